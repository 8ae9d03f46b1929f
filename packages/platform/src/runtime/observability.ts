import type { FastifyInstance } from "fastify";
import { createMetrics, httpMetrics, metricsRoute, setCircuitState, type Metrics } from "../metrics/index.js";
import { httpTracing, initTracing } from "../tracing/index.js";
import type { BreakerState } from "../resilience/index.js";

/** One service's metrics and tracing, and the hooks that record them on its app. */
export interface Observability {
  metrics: Metrics;
  /** Registers HTTP tracing, request metrics and GET /metrics; pass as createServiceApp's `instrument`. */
  instrument(app: FastifyInstance): void;
  /** Mirrors a breaker's state into `circuit_breaker_state{target}`. */
  breakerState(target: string, state: BreakerState): void;
  shutdown(): Promise<void>;
}

const STATE_NAMES = { closed: "closed", open: "open", "half-open": "halfOpen" } as const;

export function createObservability(options: {
  service: string;
  otlpEndpoint?: string | undefined;
  /** Register the `HTTP Request` span hook. Default true. */
  traceRequests?: boolean;
}): Observability {
  const metrics = createMetrics({ service: options.service });
  const tracing = initTracing({ service: options.service, otlpEndpoint: options.otlpEndpoint });
  return {
    metrics,
    instrument(app) {
      if (options.traceRequests ?? true) void app.register(httpTracing, { service: options.service });
      void app.register(httpMetrics, { metrics });
      void app.register(metricsRoute, { metrics });
    },
    breakerState(target, state) {
      setCircuitState(metrics, target, STATE_NAMES[state]);
    },
    shutdown: () => tracing.shutdown(),
  };
}
