import type { Logger, RunningService, SharedRuntime } from "@materi/platform";
import { startEventedService } from "@materi/events";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { buildApp } from "./app.js";
import type { GatewayConfig } from "./config.js";

export { buildApp, type GatewayDeps } from "./app.js";
export { loadGatewayConfig, type GatewayConfig } from "./config.js";
export { GatewayErrors, gatewayProblem } from "./errors.js";

/**
 * Starts the gateway alone or inside the all-in-one launcher, on the same runtime as every
 * service (no database). Rate limits get their own Redis connection, tuned for the hot path;
 * stop() drains in-flight requests and cuts /collab tunnels first, then closes Redis.
 */
export async function startGateway(config: GatewayConfig, shared?: SharedRuntime): Promise<RunningService & { app: FastifyInstance }> {
  // Spans on every proxied request only when someone collects them (see bench/gateway.ts).
  const traceRequests = config.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
  return startEventedService({
    name: "gateway",
    config,
    shared,
    traceRequests,
    build: async (deps) => {
      const redis = config.REDIS_URL === undefined ? undefined : await connectRedis(config.REDIS_URL, deps.logger);
      const { instrument, metrics } = deps.observability;
      const app = buildApp(config, { logger: deps.logger, redis, readiness: deps.readiness, instrument, metrics, traceRequests });
      app.addHook("onClose", async () => {
        await redis?.quit().catch(() => redis.disconnect());
      });
      return app;
    },
  });
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
