import type { DocStore } from "@materi/docstore";
import type { SchemaRegistry } from "@materi/events";
import type { AccessTokenVerifier, Database, Logger } from "@materi/platform";
import type { AccessChecker } from "./access/AccessChecker.js";
import type { AriaConfig } from "./config.js";
import type { BackgroundWrites } from "./generation/BackgroundWrites.js";
import type { ProviderChain } from "./generation/ProviderChain.js";
import type { QuotaGauge } from "./generation/QuotaGauge.js";

/** What aria's commands share: built once in buildApp, passed as `ctx` (STYLE.md §3). */
export interface AriaContext {
  config: AriaConfig;
  db: Database;
  logger: Logger;
  /** Gives events their schema_version; absent only in tests without a registry. */
  registry: SchemaRegistry | undefined;
  /** The stored Yjs documents, for `apply` and for reading a document's text. */
  docs: DocStore;
  /** Verifies access tokens locally against Shield's JWKS. */
  verify: AccessTokenVerifier;
  /** The api's answer to "may this user generate here?". */
  access: AccessChecker;
  /** Usage records written after the answer; drained on shutdown. */
  background: BackgroundWrites;
  /** Each workspace's tokens today against its daily limit. */
  quota: QuotaGauge;
  /** The configured providers in order, each behind its retry budget and breaker. */
  providers: ProviderChain;
}
