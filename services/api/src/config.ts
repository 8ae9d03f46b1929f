import { baseConfigShape, emailConfigShape, httpUrl, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";

const positiveInt = (defaultValue: number) => z.coerce.number().int().min(1).default(defaultValue);

export const apiConfigSchema = z.object({
  ...baseConfigShape,
  /** Port. Default 8083. */
  PORT: port(8083),
  // SENDGRID_API_KEY, SMTP_URL, EMAIL_FROM: how invitation mail leaves (platform email/emailConfig.ts).
  ...emailConfigShape,
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
  /** Pause between two docstore compactor runs, in ms. Default 30000. */
  COMPACTOR_INTERVAL_MS: positiveInt(30_000),
  /** Pause between two purges of documents past TRASH_RETENTION_DAYS, in ms. Default 3600000 (1 h). */
  TRASH_PURGE_INTERVAL_MS: positiveInt(3_600_000),
  /** Lifetime of an invitation, in seconds. Default 1209600 (14 days). */
  INVITATION_TTL_S: positiveInt(14 * 24 * 3600),
  /** How long /internal/permissions answers from its cache when no event invalidated it, in ms. Default 30000. */
  PERMISSION_CACHE_MS: z.coerce.number().int().min(0).default(30_000),
  /** Page size of list endpoints when `limit` is absent. Default 50 (max 200). */
  PAGE_SIZE: z.coerce.number().int().min(1).max(200).default(50),
  /** Attempts of one user-removal saga step before the saga compensates and fails. Default 5. */
  USER_REMOVAL_MAX_ATTEMPTS: positiveInt(5),
  /** First wait before retrying a failed saga step, in ms; doubles per attempt up to 60000. Default 1000. */
  USER_REMOVAL_RETRY_MS: positiveInt(1_000),
  /** How often the saga runner looks for due sagas (new, retrying, or left by a crashed replica), in ms. Default 5000. */
  USER_REMOVAL_POLL_MS: positiveInt(5_000),
  /** How often the activity batch rolls raw activity up into the daily aggregates, in ms. Default 5000. */
  ACTIVITY_BATCH_MS: positiveInt(5_000),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;

export function loadApiConfig(env: Env): ApiConfig {
  return loadConfig(apiConfigSchema, env);
}

/** JWKS_URL, or Shield's well-known path. */
export function jwksUrlOf(config: ApiConfig): string {
  return config.JWKS_URL ?? `${config.SHIELD_URL.replace(/\/+$/, "")}/.well-known/jwks.json`;
}
