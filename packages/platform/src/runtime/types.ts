import type { Logger } from "pino";

/** A started service: where it listens and how to stop it. */
export interface RunningService {
  name: string;
  /** Base URL it listens on, e.g. http://127.0.0.1:8000 */
  url: string;
  /** Stop accepting, drain in-flight work, close pools. Idempotent. */
  stop(): Promise<void>;
}

/** What /readyz asks of the event transport, and what shutdown closes. */
export interface TransportHandle {
  readonly kind: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Resources the all-in-one launcher shares between the services of one process. A service
 * started alone gets none and creates its own from its config.
 */
export interface SharedRuntime {
  /** Base logger; each service makes a child with its name. */
  logger?: Logger;
  /** The embedded database every service of the process connects to. */
  database?: { url: string; embedded: boolean };
  /** The in-process event transport, shared so the services see each other's events. */
  transport?: TransportHandle;
  /** Service keys generated for this process when none are configured. */
  serviceKeys?: readonly string[];
}
