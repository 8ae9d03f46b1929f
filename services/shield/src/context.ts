import type { SchemaRegistry } from "@materi/events";
import type { AccessTokenVerifier, Database, EmailPort, Logger } from "@materi/platform";
import type { ShieldConfig } from "./config.js";
import type { LoginThrottle } from "./tokens/loginThrottle.js";
import type { RevocationList } from "./tokens/RevocationList.js";
import type { SigningKeyRing } from "./tokens/SigningKeyRing.js";

/** What Shield's commands share: built once in buildApp, passed as `ctx` (STYLE.md §3). */
export interface ShieldContext {
  config: ShieldConfig;
  db: Database;
  logger: Logger;
  keys: SigningKeyRing;
  /** Verifies Shield's own access tokens locally, from the key ring. */
  verify: AccessTokenVerifier;
  revocations: RevocationList;
  /** Where password-reset mail goes (.eml files under the data dir by default). */
  email: EmailPort;
  throttle: LoginThrottle;
  /** Gives events their schema_version; absent only in tests without a registry. */
  registry: SchemaRegistry | undefined;
}
