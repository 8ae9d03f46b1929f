import { CircuitState, type CircuitStateName, type Metrics } from "./createMetrics.js";

/** One finished request, as the request metrics label it. */
export interface RequestObservation {
  /** HTTP method, upper case ("GET"). */
  method: string;
  /** Matched route pattern ("/api/v1/documents/:id") or "unmatched"; never a raw path, to bound cardinality. */
  route: string;
  /** HTTP status code sent. */
  status: number;
  /** Time from request received to response sent, in seconds. */
  durationSeconds: number;
}

/** Records latency and count, and counts the request as an error when it ended in a 5xx. */
export function observeRequest(metrics: Metrics, obs: RequestObservation): void {
  const labels = { service: metrics.service, method: obs.method, route: obs.route, status: String(obs.status) };
  metrics.requestDuration.observe(labels, obs.durationSeconds);
  metrics.requestTotal.inc(labels);
  // A 4xx is the caller's mistake; only server faults count towards the 1% error-rate alert.
  if (obs.status >= 500) metrics.errorsTotal.inc(labels);
}

/** A call this service made that failed. */
export interface OutboundFailure {
  /** HTTP method of the outbound call. */
  method: string;
  /** The target's route pattern or a stable target name ("shield:/api/v1/auth/token"); never a raw URL. */
  route: string;
  /** Upstream status when one was received; default "network" (timeout, refused, reset). */
  status?: number | string;
}

/** Counts a failed outbound call in `integration_errors_total`. */
export function recordOutboundFailure(metrics: Metrics, failure: OutboundFailure): void {
  metrics.errorsTotal.inc({
    service: metrics.service,
    method: failure.method,
    route: failure.route,
    status: String(failure.status ?? "network"),
  });
}

/** An event whose handling failed. */
export interface EventFailure {
  /** Stream name as produced by the events package's naming function. */
  stream: string;
  /** Why it failed, kept low-cardinality; default "failed". */
  status?: string;
}

// Events share the request error counter so one error-rate query covers both; method "EVENT" tells them apart.
/** Counts a failed event in `integration_errors_total` with method "EVENT" and route = stream. */
export function recordEventFailure(metrics: Metrics, failure: EventFailure): void {
  metrics.errorsTotal.inc({
    service: metrics.service,
    method: "EVENT",
    route: failure.stream,
    status: failure.status ?? "failed",
  });
}

/** Publishes a breaker's state: 0 closed, 1 open, 2 half-open. */
export function setCircuitState(metrics: Metrics, target: string, state: CircuitStateName): void {
  metrics.circuitBreakerState.set({ target }, CircuitState[state]);
}
