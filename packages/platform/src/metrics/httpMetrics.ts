import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { Metrics } from "./createMetrics.js";
import { observeRequest } from "./record.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Set by the httpMetrics plugin; other plugins record into it (breakers, consumers). */
    metrics: Metrics;
  }
}

/** Route label for requests no route matched: one series for every 404 instead of one per probed path. */
export const UNMATCHED_ROUTE = "unmatched";

export interface HttpMetricsOptions {
  /** Where request latency, counts and 5xx errors are recorded; also decorated as `app.metrics`. */
  metrics: Metrics;
}

/**
 * Records `integration_request_*` and 5xx `integration_errors_total` for every response of the app it
 * is registered on (`await app.register(httpMetrics, { metrics })`), including 404s and errors.
 */
export const httpMetrics: FastifyPluginAsync<HttpMetricsOptions> = async (app, opts) => {
  if (!app.hasDecorator("metrics")) app.decorate("metrics", opts.metrics);
  // onResponse runs after the last byte is written, so the duration includes serialisation.
  app.addHook("onResponse", async (request, reply) => {
    observeRequest(opts.metrics, {
      method: request.method,
      route: routeLabel(request),
      status: reply.statusCode,
      durationSeconds: reply.elapsedTime / 1000,
    });
  });
};
// Like fastify-plugin's skip-override: the hook must see the whole app, not only this plugin's children.
Object.assign(httpMetrics, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "httpMetrics",
});

/** The matched route pattern, or {@link UNMATCHED_ROUTE} for 404s so label cardinality stays bounded. */
export function routeLabel(request: FastifyRequest): string {
  if (request.is404) return UNMATCHED_ROUTE;
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

export interface MetricsRouteOptions {
  /** Registry to expose. */
  metrics: Metrics;
  /** Path served; default "/metrics". */
  url?: string;
}

/** Serves the registry in Prometheus text format: `await app.register(metricsRoute, { metrics })`. */
export const metricsRoute: FastifyPluginAsync<MetricsRouteOptions> = async (app, opts) => {
  app.get(opts.url ?? "/metrics", async (_request, reply) => sendMetrics(opts.metrics, reply));
};

async function sendMetrics(metrics: Metrics, reply: FastifyReply): Promise<string> {
  const body = await metrics.registry.metrics();
  void reply.type(metrics.registry.contentType);
  return body;
}
