// Retry policies, circuit breakers and the outbound HTTP client, per the
// integration spec's "Error Handling" section.
export {
  BREAKER_SETTINGS,
  RETRY_POLICIES,
  type BreakerSettings,
  type BreakerTarget,
  type RetryKind,
  type RetryPolicy,
} from "./settings.js";
export { BreakerOpenError, HttpError } from "./errors.js";
export { createBreaker, type Breaker, type BreakerOptions, type BreakerState } from "./createBreaker.js";
export { SlidingWindowBreaker, type Clock, type SlidingWindowBreakerOptions } from "./SlidingWindowBreaker.js";
export { classifyFailure } from "./classifyFailure.js";
export { withRetry, parseRetryAfter, type RetryEvent, type RetryOptions } from "./withRetry.js";
export {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
} from "./createHttpClient.js";
export {
  createServiceClient,
  type ServiceClient,
  type ServiceClientOptions,
  type ServiceGet,
} from "./createServiceClient.js";
export { guardPool, isDatabaseConnectionFailure } from "./guardPool.js";
