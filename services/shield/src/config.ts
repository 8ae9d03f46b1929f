import { baseConfigShape, emailConfigShape, httpUrl, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";

/** "true"/"false"/"1"/"0" from the environment; z.coerce.boolean would read "false" as true. */
const flag = (defaultValue: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .default(defaultValue ? "true" : "false")
    .transform((value) => value === "true" || value === "1");

const seconds = (defaultValue: number) => z.coerce.number().int().min(1).default(defaultValue);

export const shieldConfigSchema = z.object({
  ...baseConfigShape,
  // SENDGRID_API_KEY, SMTP_URL, EMAIL_FROM: how reset mail leaves (platform email/emailConfig.ts).
  ...emailConfigShape,
  /** Port. Default 8000. */
  PORT: port(8000),
  /** `iss` of the tokens Shield signs. Default "materi". */
  JWT_ISSUER: z.string().default("materi"),
  /** `aud` of the access tokens Shield signs. Default "materi". */
  JWT_AUDIENCE: z.string().default("materi"),
  /** Whether anyone may create an account with POST /api/v1/users. Default true. */
  SIGNUP_ENABLED: flag(true),
  /** Lifetime of an access token, in seconds. Default 900 (15 min). */
  ACCESS_TOKEN_TTL_S: seconds(900),
  /** Absolute lifetime of a refresh-token family (rotation does not extend it), in seconds. Default 2592000 (30 days). */
  REFRESH_TOKEN_TTL_S: seconds(30 * 24 * 3600),
  /** How long a spent refresh token still yields the same successor (two concurrent refreshes), in seconds. Default 10. */
  REFRESH_REUSE_GRACE_S: z.coerce.number().int().min(0).default(10),
  /** Failed logins allowed per account per LOGIN_THROTTLE_WINDOW_S before 429. Default 10. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  /** Login attempts allowed per client IP per LOGIN_THROTTLE_WINDOW_S before 429. Default 100. */
  LOGIN_MAX_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(100),
  /** Window of the login throttles, in seconds. Default 900. */
  LOGIN_THROTTLE_WINDOW_S: seconds(900),
  /** Lifetime of a password-reset link, in seconds. Default 3600. */
  PASSWORD_RESET_TTL_S: seconds(3600),
  /** Public base URL of the web app, for links in mail (reset). Default http://127.0.0.1:8080. */
  PUBLIC_URL: httpUrl.default("http://127.0.0.1:8080"),
  /**
   * Consumer group of Shield's subscriptions (the membership projection). Default "shield"; set
   * another only to run two independent Shield deployments (or test runs) on one Redis.
   */
  SHIELD_CONSUMER_GROUP: z.string().min(1).default("shield"),
  /**
   * How long a replica trusts a "not revoked" answer from the Redis revocation list, in ms; a
   * revocation made by another replica takes effect there within this time. 0 asks every time. Default 1000.
   */
  REVOCATION_CACHE_MS: z.coerce.number().int().min(0).default(1000),
  /** Prefix of Shield's Redis keys (login throttles, revocation list). Default "materi:shield". */
  SHIELD_REDIS_PREFIX: z.string().min(1).default("materi:shield"),
});

export type ShieldConfig = z.infer<typeof shieldConfigSchema>;

export function loadShieldConfig(env: Env): ShieldConfig {
  return loadConfig(shieldConfigSchema, env);
}
