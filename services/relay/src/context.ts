import type { DocStore } from "@materi/docstore";
import type { EventBus } from "@materi/events";
import type { AccessTokenVerifier, Logger } from "@materi/platform";
import type { RelayConfig } from "./config.js";
import type { RelayMetrics } from "./metrics/relayMetrics.js";
import type { PermissionSource } from "./permissions/PermissionSource.js";
import type { SessionRegistry } from "./sessions/SessionRegistry.js";

/** What the relay's extensions share: built once in buildApp (STYLE.md §3). */
export interface RelayContext {
  config: RelayConfig;
  logger: Logger;
  /** The stored Yjs documents: load, durable append, update channel. */
  docs: DocStore;
  /** Verifies access tokens locally against Shield's JWKS. */
  verify: AccessTokenVerifier;
  /** Roles from the api's /internal/permissions, with the "local cache" fallback. */
  permissions: PermissionSource;
  /** Live sessions of every instance (Redis) or of this one (memory). */
  sessions: SessionRegistry;
  /** CollaborationEvents out. */
  bus: EventBus;
  metrics: RelayMetrics;
}
