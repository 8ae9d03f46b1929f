export { initTracing, tracesUrl, type InitTracingOptions, type TracingHandle } from "./initTracing.js";
export {
  httpTracing,
  correlationIdOf,
  spanPath,
  CORRELATION_HEADER,
  type HttpTracingOptions,
} from "./httpTracing.js";
export { withSpan, currentTraceparent, currentTraceId, runWithTraceparent, SpanNames } from "./spans.js";
