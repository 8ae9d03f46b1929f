import { baseConfigShape, httpUrl, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";

const positiveInt = (defaultValue: number) => z.coerce.number().int().min(1).default(defaultValue);

export const apiConfigSchema = z.object({
  ...baseConfigShape,
  /** Port. Default 8083. */
  PORT: port(8083),
  /** Shield's base URL: JWKS and /internal/user. Default http://127.0.0.1:8000. */
  SHIELD_URL: httpUrl.default("http://127.0.0.1:8000"),
  /** Where access-token signing keys are published. Default `${SHIELD_URL}/.well-known/jwks.json`. */
  JWKS_URL: httpUrl.optional(),
  /** Required `iss` of access tokens. Default "materi". */
  JWT_ISSUER: z.string().default("materi"),
  /** Required `aud` of access tokens. Default "materi". */
  JWT_AUDIENCE: z.string().default("materi"),
  /** Public base URL of the web app, for links in mail (invitations, share links). Default http://127.0.0.1:8080. */
  PUBLIC_URL: httpUrl.default("http://127.0.0.1:8080"),
  /** Consumer group of the api's subscriptions. Default "api"; another only for independent deployments or test runs on one Redis. */
  API_CONSUMER_GROUP: z.string().min(1).default("api"),
  /** Days a trashed document can be restored before it is purged. Default 30. */
  TRASH_RETENTION_DAYS: positiveInt(30),
  /** Lifetime of an invitation, in seconds. Default 1209600 (14 days). */
  INVITATION_TTL_S: positiveInt(14 * 24 * 3600),
  /** How long /internal/permissions answers from its cache when no event invalidated it, in ms. Default 30000. */
  PERMISSION_CACHE_MS: z.coerce.number().int().min(0).default(30_000),
  /** Page size of list endpoints when `limit` is absent. Default 50 (max 200). */
  PAGE_SIZE: z.coerce.number().int().min(1).max(200).default(50),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;

export function loadApiConfig(env: Env): ApiConfig {
  return loadConfig(apiConfigSchema, env);
}

/** JWKS_URL, or Shield's well-known path. */
export function jwksUrlOf(config: ApiConfig): string {
  return config.JWKS_URL ?? `${config.SHIELD_URL.replace(/\/+$/, "")}/.well-known/jwks.json`;
}
