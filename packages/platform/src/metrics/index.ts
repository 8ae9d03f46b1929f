export {
  createMetrics,
  CircuitState,
  LATENCY_BUCKETS,
  type CircuitStateName,
  type CreateMetricsOptions,
  type EventLabel,
  type Metrics,
  type QueueLabel,
  type RequestLabel,
} from "./createMetrics.js";
export {
  observeRequest,
  recordEventFailure,
  recordOutboundFailure,
  setCircuitState,
  type EventFailure,
  type OutboundFailure,
  type RequestObservation,
} from "./record.js";
export {
  httpMetrics,
  metricsRoute,
  routeLabel,
  UNMATCHED_ROUTE,
  type HttpMetricsOptions,
  type MetricsRouteOptions,
} from "./httpMetrics.js";
