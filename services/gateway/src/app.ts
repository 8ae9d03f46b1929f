import fastifyCors from "@fastify/cors";
import { createServiceApp, type Logger, type Metrics, type ReadinessCheck } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { createKeySource } from "./auth/keySource.js";
import { createTokenVerifier } from "./auth/tokenVerifier.js";
import { canvasRoutes } from "./canvas/canvasRoutes.js";
import { installCollabTunnel } from "./collab/collabTunnel.js";
import type { GatewayConfig } from "./config.js";
import { createAdmission } from "./edge/admission.js";
import { edgeGuard, installEdgeBasics } from "./edge/edgeGuard.js";
import { installFastPath } from "./edge/fastPath.js";
import { addressSet } from "./network/cidr.js";
import { createClientIpResolver } from "./network/clientIp.js";
import { proxyRoutes, routeMatcher, upstreamRoutes } from "./proxy/proxyRoutes.js";
import { Upstream } from "./proxy/Upstream.js";
import { createRateLimiter } from "./rateLimit/createRateLimiter.js";

export interface GatewayDeps {
  logger: Logger;
  /** Rate-limit counters shared by every replica. Default: none, counts kept in this process. */
  redis?: Redis | undefined;
  /** What /readyz checks (the event transport). Default: nothing. */
  readiness?: ReadinessCheck[] | undefined;
  /** Tracing and metrics hooks (and GET /metrics), registered before any route. Default: none. */
  instrument?: ((app: FastifyInstance) => void) | undefined;
  /** Where the proxy fast path records request metrics (`instrument` records Fastify's). Default: none. */
  metrics?: Metrics | undefined;
  /**
   * Whether `instrument` adds an `HTTP Request` span to every request. Proxied requests then go
   * through Fastify, where those hooks run, instead of the fast path. Default false.
   */
  traceRequests?: boolean | undefined;
}

/** Response fields a browser script may read on a cross-origin answer. */
const EXPOSED_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "ETag", "Location", "x-request-id"];

/** The public edge: routing, token check, rate limits, CORS, canvas and the /collab tunnel. No listen. */
export function buildApp(config: GatewayConfig, deps: GatewayDeps): FastifyInstance {
  const app = createServiceApp({
    service: "gateway",
    logger: deps.logger,
    // The edge has no internal routes: installEdgeBasics answers /internal/* with 404 first.
    serviceKeys: [],
    readiness: deps.readiness ?? [],
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Client addresses come from network/clientIp.ts, which knows Cloudflare; Fastify's own stays off.
    trustProxy: false,
    instrument: (instance) => {
      installEdgeBasics(instance);
      deps.instrument?.(instance);
    },
  });
  const { resolveClientIp, rateLimit, admit } = edgeChecks(config, deps);
  const upstreamOptions = { bodyLimitBytes: config.BODY_LIMIT_BYTES, timeoutMs: config.UPSTREAM_TIMEOUT_MS, connections: config.UPSTREAM_CONNECTIONS };
  const upstreams = upstreamRoutes(config).map((route) => new Upstream(route, upstreamOptions));
  const match = routeMatcher(upstreams);
  const cors = config.CORS_ORIGINS.length > 0;
  // Registered before the guard so preflights are answered without a token or a rate-limit point.
  if (cors) void app.register(fastifyCors, { origin: [...config.CORS_ORIGINS], credentials: true, exposedHeaders: EXPOSED_HEADERS, maxAge: 600 });
  const isRouted = (path: string) => match(path) !== undefined;
  void app.register(edgeGuard, { resolveClientIp, admit, metricsAllow: addressSet(config.METRICS_ALLOW), isRouted });
  void app.register(proxyRoutes, { upstreams });
  void app.register(canvasRoutes, { root: config.CANVAS_DIR });
  // Per-request spans are Fastify hooks: with them on, proxied requests take the routes above.
  if (deps.traceRequests !== true) installFastPath(app, { match, admit, logger: deps.logger, metrics: deps.metrics, cors });
  const tunnel = installCollabTunnel(app.server, { relayUrl: config.RELAY_URL, resolveClientIp, rateLimit, logger: deps.logger });
  app.addHook("preClose", (done) => {
    tunnel.close();
    done();
  });
  // After the last request: what was allowed from memory is still counted in Redis.
  app.addHook("onClose", async () => {
    await Promise.all([rateLimit.close(), ...upstreams.map((upstream) => upstream.close())]);
  });
  return app;
}

/** Client address, token and rate-limit checks, shared by Fastify's guard, the fast path and the tunnel. */
function edgeChecks(config: GatewayConfig, deps: GatewayDeps) {
  const resolveClientIp = createClientIpResolver(config.TRUST_PROXY);
  const rateLimit = createRateLimiter({
    points: config.RATE_LIMIT_REQUESTS,
    durationS: config.RATE_LIMIT_WINDOW_S,
    keyPrefix: config.RATE_LIMIT_PREFIX,
    redis: deps.redis,
    logger: deps.logger,
  });
  const verifyToken = createTokenVerifier({
    keys: createKeySource({ url: config.JWKS_URL, cooldownMs: config.JWKS_COOLDOWN_MS, maxAgeMs: config.JWKS_MAX_AGE_MS, logger: deps.logger }),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    cacheSize: config.JWT_CACHE_SIZE,
  });
  return { resolveClientIp, rateLimit, admit: createAdmission({ resolveClientIp, verifyToken, rateLimit }) };
}
