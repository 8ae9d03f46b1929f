import {
  createLogger,
  createMetrics,
  httpMetrics,
  httpTracing,
  initTracing,
  listen,
  metricsRoute,
  type Logger,
  type RunningService,
  type SharedRuntime,
} from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { buildApp } from "./app.js";
import type { GatewayConfig } from "./config.js";

export { buildApp, type GatewayDeps } from "./app.js";
export { loadGatewayConfig, type GatewayConfig } from "./config.js";
export { GatewayErrors, gatewayProblem } from "./errors.js";

const SERVICE = "gateway";

/**
 * Starts the gateway alone or inside the all-in-one launcher: Redis for shared rate limits when
 * REDIS_URL is set, metrics and tracing, then listen on HOST:PORT. stop() drains in-flight
 * requests and cuts /collab tunnels first, then closes Redis and flushes spans. Idempotent.
 */
export async function startGateway(config: GatewayConfig, shared?: SharedRuntime): Promise<RunningService & { app: FastifyInstance }> {
  const logger = shared?.logger?.child({ service: SERVICE }) ?? createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const redis = config.REDIS_URL === undefined ? undefined : await connectRedis(config.REDIS_URL, logger);
  const metrics = createMetrics({ service: SERVICE });
  // Spans nobody exports are pure cost on the hottest path of the platform (measured in
  // bench/gateway.ts): without a collector the edge only passes a traceparent on.
  const tracing = config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? undefined : initTracing({ service: SERVICE, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const app = buildApp(config, {
    logger,
    redis,
    instrument: (instance) => {
      if (tracing) void instance.register(httpTracing, { service: SERVICE });
      void instance.register(httpMetrics, { metrics });
      void instance.register(metricsRoute, { metrics });
    },
  });
  let url: string;
  try {
    url = await listen(app, config.HOST, config.PORT);
  } catch (err) {
    await Promise.allSettled([app.close(), redis?.quit(), tracing?.shutdown()]);
    throw err;
  }
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await app.close();
      await redis?.quit().catch(() => redis.disconnect());
      await tracing?.shutdown();
    })());
  return { name: SERVICE, url, app, stop };
}

/** How long start waits for Redis before serving with per-replica limits, in ms. */
const REDIS_READY_WAIT_MS = 5_000;

/**
 * Connects and waits (bounded) until Redis is ready, so the first requests are counted in the
 * shared store. A Redis that is down does not stop the edge: limits start per replica (fail open).
 */
async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    // Rate-limit calls from concurrent requests share one write per tick.
    enableAutoPipelining: true,
    // Fail fast while Redis is away: the limiter falls back to memory rather than waiting.
    maxRetriesPerRequest: 1,
    connectionName: "materi-gateway",
  });
  // Connection errors are logged by the rate limiter (throttled); until then the wait says it all.
  const ignore = () => undefined;
  redis.on("error", ignore);
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), REDIS_READY_WAIT_MS);
    redis.once("ready", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  redis.off("error", ignore);
  if (!ready) logger.warn({ url: redactUrl(url) }, "Redis not ready yet: rate limits are per replica until it is");
  return redis;
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== "") parsed.password = "redacted";
  return parsed.toString();
}
