import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadEditor } from "./features/editor/loadEditor";
import { parseRoute } from "./lib/router";
import { createServices, ServicesProvider } from "./lib/services";
import "./styles.css";

const services = createServices();
// Opening a document: fetch the editor while the app asks the API who we are and what is there.
if (parseRoute(location.pathname, location.search).page === "document") void loadEditor();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ServicesProvider services={services}>
      <App />
    </ServicesProvider>
  </StrictMode>,
);
