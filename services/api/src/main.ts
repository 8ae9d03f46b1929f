import { runMain } from "@materi/platform";
import { loadApiConfig, startApi } from "./index.js";

await runMain(async () => startApi(loadApiConfig(process.env)));
