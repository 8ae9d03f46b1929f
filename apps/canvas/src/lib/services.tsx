import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";
import { ApiClient } from "./apiClient";
import { SessionStore, type StoredSession } from "./session";

/** The app's long-lived pieces, created once in main.tsx and passed down explicitly. */
export interface Services {
  session: SessionStore;
  api: ApiClient;
}

export function createServices(): Services {
  const session = new SessionStore();
  return { session, api: new ApiClient(session) };
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices outside ServicesProvider");
  return services;
}

export function useSession(): StoredSession | null {
  const { session } = useServices();
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.current,
  );
}
