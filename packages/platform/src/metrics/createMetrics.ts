import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

// Metric names and labels follow spec/integration-architecture.md "Monitoring and Observability";
// ops/alerts.yml queries them by these exact names, so renaming one breaks an alert.

/** Labels of every HTTP request metric. `route` is a route pattern, never a raw path. */
export type RequestLabel = "service" | "method" | "route" | "status";
/** Labels of the event processing histogram. */
export type EventLabel = "stream" | "consumer_group" | "event_type";
/** Labels of the event queue depth gauge. */
export type QueueLabel = "stream" | "consumer_group";

/**
 * Request and event latency buckets in seconds. 0.05, 0.1 and 5 are edges on purpose: they are the
 * 50 ms / 100 ms / 5 s SLAs, so `histogram_quantile` is exact at the threshold the alert compares to.
 */
export const LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Values of `circuit_breaker_state`; alerts fire on `== 1`. */
export const CircuitState = { closed: 0, open: 1, halfOpen: 2 } as const;
export type CircuitStateName = keyof typeof CircuitState;

export interface CreateMetricsOptions {
  /** Value of the `service` label on the request metrics recorded through this object, e.g. "shield". */
  service: string;
  /**
   * Registry to register into. Default: a new Registry per call (never prom-client's global one).
   * The all-in-one process may pass one shared registry to every service: metrics already registered
   * in it are reused, which is why `service` is an explicit label rather than a registry default label.
   */
  registry?: Registry;
}

export interface Metrics {
  /** The service this object records for. */
  readonly service: string;
  readonly registry: Registry;
  /** Seconds from request received to response sent. */
  readonly requestDuration: Histogram<RequestLabel>;
  readonly requestTotal: Counter<RequestLabel>;
  /** 5xx responses, failed outbound calls (status = upstream status or "network") and failed events (method "EVENT"). */
  readonly errorsTotal: Counter<RequestLabel>;
  /** One series per breaker `target`; values in {@link CircuitState}. */
  readonly circuitBreakerState: Gauge<"target">;
  /** Seconds spent handling one event, for the events package. */
  readonly eventProcessingDuration: Histogram<EventLabel>;
  /** Pending (undelivered plus unacknowledged) entries per consumer group, for the events package. */
  readonly eventQueueDepth: Gauge<QueueLabel>;
}

/** Builds the spec's metrics in `registry`, reusing any that another service already registered there. */
export function createMetrics(opts: CreateMetricsOptions): Metrics {
  const registry = opts.registry ?? new Registry();
  ensureDefaultMetrics(registry);
  return {
    service: opts.service,
    registry,
    requestDuration: histogram(registry, "integration_request_duration_seconds", "HTTP request latency", [
      "service",
      "method",
      "route",
      "status",
    ]),
    requestTotal: counter(registry, "integration_request_total", "HTTP requests handled"),
    errorsTotal: counter(registry, "integration_errors_total", "5xx responses, failed outbound calls and failed events"),
    circuitBreakerState: gauge(registry, "circuit_breaker_state", "Breaker state per target: 0 closed, 1 open, 2 half-open", [
      "target",
    ]),
    eventProcessingDuration: histogram(registry, "event_processing_duration_seconds", "Event handling time", [
      "stream",
      "consumer_group",
      "event_type",
    ]),
    eventQueueDepth: gauge(registry, "event_queue_depth", "Pending events per consumer group", ["stream", "consumer_group"]),
  };
}

// Process metrics describe the process, not a service; registering them twice in one registry throws.
function ensureDefaultMetrics(registry: Registry): void {
  if (registry.getSingleMetric("process_cpu_user_seconds_total") === undefined) {
    collectDefaultMetrics({ register: registry });
  }
}

function histogram<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Histogram<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Histogram) return existing as Histogram<L>;
  return new Histogram({ name, help, labelNames, buckets: [...LATENCY_BUCKETS], registers: [registry] });
}

function counter(registry: Registry, name: string, help: string): Counter<RequestLabel> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<RequestLabel>;
  const labelNames: RequestLabel[] = ["service", "method", "route", "status"];
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing as Gauge<L>;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}
