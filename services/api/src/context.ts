import type { DocStore } from "@materi/docstore";
import type { SchemaRegistry } from "@materi/events";
import type { AccessTokenVerifier, Database, EmailPort, Logger } from "@materi/platform";
import type { ApiConfig } from "./config.js";
import type { PermissionCache } from "./permissions/PermissionCache.js";
import type { DocumentWorkspaceCache } from "./store/DocumentWorkspaceCache.js";
import type { UserDirectory } from "./users/UserDirectory.js";

/** What the api's commands share: built once in buildApp, passed as `ctx` (STYLE.md §3). */
export interface ApiContext {
  config: ApiConfig;
  db: Database;
  logger: Logger;
  /** Gives events their schema_version; absent only in tests without a registry. */
  registry: SchemaRegistry | undefined;
  /** The stored Yjs documents (packages/docstore). */
  docs: DocStore;
  /** Invitation mail (.eml files under the data dir by default). */
  email: EmailPort;
  /** Verifies access tokens locally against Shield's JWKS. */
  verify: AccessTokenVerifier;
  /** Users by id or email: the local directory fed by the users stream, then Shield behind its breaker. */
  users: UserDirectory;
  /** Effective document roles for /internal/permissions, invalidated by membership and share events. */
  permissions: PermissionCache;
  /** The workspace of recently renamed documents (immutable), for the one-statement title PATCH. */
  documentWorkspaces: DocumentWorkspaceCache;
}
