import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { baseConfigShape, csv, httpUrl, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";
import { parseCidr } from "./network/cidr.js";
import type { TrustProxySetting } from "./network/clientIp.js";

/** Loopback and private ranges: who may read /metrics unless METRICS_ALLOW says otherwise. */
const DEFAULT_METRICS_ALLOW = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7";

const cidrList = csv.pipe(
  z.array(z.string().refine((entry) => parseCidr(entry) !== undefined, "each entry must be an IP address or CIDR")),
);

// "none" | "cloudflare" | "cloudflare,<cidr>,..." | "<cidr>,...": see TrustProxySetting.
const trustProxy = csv.transform((entries, ctx): TrustProxySetting => {
  if (entries.length === 1 && entries[0] === "none") return { cloudflare: false, cidrs: [] };
  const cloudflare = entries.includes("cloudflare");
  const cidrs = entries.filter((entry) => entry !== "cloudflare");
  const bad = cidrs.find((entry) => parseCidr(entry) === undefined);
  if (bad !== undefined) ctx.addIssue({ code: "custom", message: `"${bad}" is not none, cloudflare, an IP address or a CIDR` });
  return { cloudflare, cidrs };
});

const originList = csv.pipe(
  z.array(
    z.string().refine((entry) => {
      try {
        return new URL(entry).origin === entry;
      } catch {
        return false;
      }
    }, "each entry must be an origin like https://app.example.com (no path, no trailing slash, no *)"),
  ),
);

const ms = (defaultMs: number) => z.coerce.number().int().min(0).default(defaultMs);

const gatewaySchema = z
  .object({
    ...baseConfigShape,
    /** Public port. Default 8080. */
    PORT: port(8080),
    /** shield (users, auth, JWKS). Default http://127.0.0.1:8000. */
    SHIELD_URL: httpUrl.default("http://127.0.0.1:8000"),
    /** api (documents, workspaces). Default http://127.0.0.1:8083. */
    API_URL: httpUrl.default("http://127.0.0.1:8083"),
    /** aria (AI). Default http://127.0.0.1:8082. */
    ARIA_URL: httpUrl.default("http://127.0.0.1:8082"),
    /** relay (WebSocket collaboration). Default http://127.0.0.1:8081. */
    RELAY_URL: httpUrl.default("http://127.0.0.1:8081"),
    /** Where access-token signing keys are published. Default `${SHIELD_URL}/.well-known/jwks.json`. */
    JWKS_URL: httpUrl.optional(),
    /** Required `iss` of access tokens. Default "materi". */
    JWT_ISSUER: z.string().default("materi"),
    /** Required `aud` of access tokens. Default "materi". */
    JWT_AUDIENCE: z.string().default("materi"),
    /** Least time between two JWKS refetches triggered by an unknown `kid`, in ms. Default 30000. */
    JWKS_COOLDOWN_MS: ms(30_000),
    /** How long a fetched JWKS is used before it is refetched, in ms. Default 600000 (10 min). */
    JWKS_MAX_AGE_MS: ms(600_000),
    /** Verified access tokens remembered (so the hot path skips signature checks). Default 10000. */
    JWT_CACHE_SIZE: z.coerce.number().int().min(0).default(10_000),
    /** Requests one client (user, else IP) may make per window. Default 600. */
    RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).default(600),
    /** Rate-limit window, in seconds. Default 60. */
    RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(60),
    /** Redis key prefix of rate-limit counters; replicas sharing counts share it. Default "materi:gw:rl". */
    RATE_LIMIT_PREFIX: z.string().default("materi:gw:rl"),
    /** Whose client-address headers to believe: none, cloudflare, and/or CIDRs of trusted proxies. Default none. */
    TRUST_PROXY: trustProxy.default({ cloudflare: false, cidrs: [] }),
    /** Browser origins allowed to call the API cross-origin, comma-separated. Default none (same-origin only). */
    CORS_ORIGINS: originList.default([]),
    /** Largest request body accepted, in bytes. Default 1048576 (1 MiB). */
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1).default(1024 * 1024),
    /** How long an upstream may take to send response headers (and between body chunks), in ms. Default 30000. */
    UPSTREAM_TIMEOUT_MS: ms(30_000),
    /** Keep-alive connections per upstream. Default 64. */
    UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).default(64),
    /** Built canvas (the web app) to serve. Default apps/canvas/dist if built, else a placeholder page. */
    CANVAS_DIR: z.string().optional(),
    /** CIDRs allowed to read /metrics. Default loopback and private ranges. */
    METRICS_ALLOW: cidrList.default(cidrList.parse(DEFAULT_METRICS_ALLOW)),
  })
  .transform((config) => ({
    ...config,
    JWKS_URL: config.JWKS_URL ?? `${config.SHIELD_URL.replace(/\/+$/, "")}/.well-known/jwks.json`,
    CANVAS_DIR: config.CANVAS_DIR ?? defaultCanvasDir(),
  }));

export type GatewayConfig = z.infer<typeof gatewaySchema>;

/** Validates the gateway's environment once at start (throws ConfigError naming the variable). */
export function loadGatewayConfig(env: Env): GatewayConfig {
  return loadConfig(gatewaySchema, env);
}

// src/config.ts and dist/config.js both sit two levels below services/gateway.
function defaultCanvasDir(): string {
  const built = fileURLToPath(new URL("../../../apps/canvas/dist", import.meta.url));
  if (existsSync(`${built}/index.html`)) return built;
  return fileURLToPath(new URL("../placeholder", import.meta.url));
}
