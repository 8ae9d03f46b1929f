import { baseConfigShape, csv, httpUrl, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";

const positiveInt = (defaultValue: number) => z.coerce.number().int().min(1).default(defaultValue);

/** The providers aria knows, in the order AI_PROVIDER_ORDER may name them. */
export const PROVIDER_NAMES = ["openai", "anthropic"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export const ariaConfigSchema = z.object({
  ...baseConfigShape,
  /** Port. Default 8082. */
  PORT: port(8082),
  /** OpenAI's key (the SDK's own variable). With it or OPENAI_BASE_URL, OpenAI is configured. */
  OPENAI_API_KEY: z.string().optional(),
  /** Any OpenAI-compatible server (Ollama, vLLM...). Default: the SDK's, https://api.openai.com/v1. */
  OPENAI_BASE_URL: httpUrl.optional(),
  /** Chat model asked at OpenAI. Default gpt-4.1-mini (fast, non-reasoning). */
  OPENAI_MODEL: z.string().min(1).default("gpt-4.1-mini"),
  /** Anthropic's key (the SDK's own variable). With it or ANTHROPIC_BASE_URL, Anthropic is configured. */
  ANTHROPIC_API_KEY: z.string().optional(),
  /** Another Messages API endpoint (a proxy). Default: the SDK's, https://api.anthropic.com. */
  ANTHROPIC_BASE_URL: httpUrl.optional(),
  /** Model asked at Anthropic. Default claude-haiku-4-5. */
  ANTHROPIC_MODEL: z.string().min(1).default("claude-haiku-4-5"),
  /** Providers tried in this order, comma-separated; unconfigured ones are skipped. Default openai,anthropic. */
  AI_PROVIDER_ORDER: csv
    .pipe(z.array(z.enum(PROVIDER_NAMES)).min(1, "name at least one of openai, anthropic"))
    .default(["openai", "anthropic"]),
  /** Tokens (input + output) a workspace may use per UTC day, unless aria.quotas says otherwise. Default 200000. */
  AI_DAILY_TOKEN_QUOTA: positiveInt(200_000),
  /** How long a replica trusts its reading of a workspace's usage today (plus its own since), in ms. Default 1000. */
  AI_QUOTA_REFRESH_MS: z.coerce.number().int().min(0).default(1_000),
  /** Most tokens one generation may write. Default 1024. */
  AI_MAX_OUTPUT_TOKENS: positiveInt(1024),
  /** One provider attempt's limit, in ms (to the whole answer; to the first token when streaming). Default 30000. */
  AI_TIMEOUT_MS: positiveInt(30_000),
  /**
   * How long one provider may spend on retries (waits included) before the request falls back to
   * the next one, in ms. The spec's retry table applies inside it. Default 2500, so a Retry-After
   * of 1-2 s is honoured and the 5 s first-token SLA still holds.
   */
  AI_RETRY_BUDGET_MS: z.coerce.number().int().min(0).default(2_500),
  /**
   * How long a granted access check is trusted before the api is asked again, in ms; 0 asks every
   * time. Refusals are never cached. Default 5000: a removed member can go on generating at most
   * this long, and a user writing in bursts does not wait for the api on each request.
   */
  AI_ACCESS_CACHE_MS: z.coerce.number().int().min(0).default(5_000),
  /** The api's base URL, for /internal/permissions and /internal/memberships. Default http://127.0.0.1:8083. */
  API_URL: httpUrl.default("http://127.0.0.1:8083"),
  /** Shield's base URL, for the JWKS. Default http://127.0.0.1:8000. */
  SHIELD_URL: httpUrl.default("http://127.0.0.1:8000"),
  /** Where access-token signing keys are published. Default `${SHIELD_URL}/.well-known/jwks.json`. */
  JWKS_URL: httpUrl.optional(),
  /** Required `iss` of access tokens. Default "materi". */
  JWT_ISSUER: z.string().default("materi"),
  /** Required `aud` of access tokens. Default "materi". */
  JWT_AUDIENCE: z.string().default("materi"),
});

export type AriaConfig = z.infer<typeof ariaConfigSchema>;

export function loadAriaConfig(env: Env): AriaConfig {
  return loadConfig(ariaConfigSchema, env);
}

/** JWKS_URL, or Shield's well-known path. */
export function jwksUrlOf(config: Pick<AriaConfig, "JWKS_URL" | "SHIELD_URL">): string {
  return config.JWKS_URL ?? `${config.SHIELD_URL.replace(/\/+$/, "")}/.well-known/jwks.json`;
}
