import { hostname } from "node:os";
import { baseConfigShape, httpUrl, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";

const positiveInt = (defaultValue: number) => z.coerce.number().int().min(1).default(defaultValue);
const MIB = 1024 * 1024;

export const relayConfigSchema = z.object({
  ...baseConfigShape,
  /** Port. Default 8081. */
  PORT: port(8081),
  /** Shield's base URL, for JWKS. Default http://127.0.0.1:8000. */
  SHIELD_URL: httpUrl.default("http://127.0.0.1:8000"),
  /** Where access-token signing keys are published. Default `${SHIELD_URL}/.well-known/jwks.json`. */
  JWKS_URL: httpUrl.optional(),
  /** Required `iss` of access tokens. Default "materi". */
  JWT_ISSUER: z.string().default("materi"),
  /** Required `aud` of access tokens. Default "materi". */
  JWT_AUDIENCE: z.string().default("materi"),
  /** The api's base URL, for GET /internal/permissions. Default http://127.0.0.1:8083. */
  API_URL: httpUrl.default("http://127.0.0.1:8083"),
  /** This instance's name in /internal/sessions and Redis keys. Default `<hostname>-<pid>`. */
  RELAY_INSTANCE_ID: z.string().min(1).max(100).default(`${hostname()}-${process.pid}`),
  /** Prefix of the relay's Redis keys (sessions, awareness). Default "materi:relay"; another only to run two deployments on one Redis. */
  RELAY_REDIS_PREFIX: z.string().min(1).default("materi:relay"),
  /** Largest WebSocket frame, in bytes; a larger one closes that connection (1009). Default 2097152 (2 MiB), 1-4 MiB. */
  RELAY_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(MIB).max(4 * MIB).default(2 * MIB),
  /** Messages one connection may send per second (sustained; bursts up to 2x). Default 200. */
  RELAY_MAX_MESSAGES_PER_S: positiveInt(200),
  /** Bytes one connection may send per second (sustained; bursts up to 2x). Default 4194304 (4 MiB). */
  RELAY_MAX_BYTES_PER_S: positiveInt(4 * MIB),
  /** Largest stored state of one document, in bytes; an edit beyond it closes that connection (4413). Default 33554432 (32 MiB). */
  RELAY_MAX_DOCUMENT_BYTES: positiveInt(32 * MIB),
  /** How long a granted role is served from cache while the api is unreachable, in ms ("local cache" strategy). Default 300000. */
  RELAY_PERMISSION_CACHE_MS: positiveInt(300_000),
  /** Lifetime of a session's Redis entry, refreshed at a third of it, in seconds. Default 60. */
  RELAY_SESSION_TTL_S: positiveInt(60),
  /** How often the documents and users streams are read for permission changes, in ms. Default 200. */
  RELAY_PERMISSION_POLL_MS: positiveInt(200),
  /**
   * How often the stored heads of all loaded documents are compared with the applied ones (one
   * query), in ms: a lost announcement of a document's last update heals within about two of these. Default 2000.
   */
  RELAY_HEAD_CHECK_MS: positiveInt(2_000),
  /** At most one cursor/presence CollaborationEvent per connection per this many ms. Default 5000. */
  RELAY_PRESENCE_SAMPLE_MS: positiveInt(5_000),
  /** Seconds an open connection may stay silent before it is closed (hocuspocus timeout). Default 60. */
  RELAY_CONNECTION_TIMEOUT_S: positiveInt(60),
  /** Test-only: serve GET /internal/debug/heap (runs gc() when exposed). Default false. */
  RELAY_DEBUG_ENDPOINTS: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
});

export type RelayConfig = z.infer<typeof relayConfigSchema>;

export function loadRelayConfig(env: Env): RelayConfig {
  return loadConfig(relayConfigSchema, env);
}

/** JWKS_URL, or Shield's well-known path. */
export function jwksUrlOf(config: RelayConfig): string {
  return config.JWKS_URL ?? `${config.SHIELD_URL.replace(/\/+$/, "")}/.well-known/jwks.json`;
}
