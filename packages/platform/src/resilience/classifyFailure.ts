import { BreakerOpenError, errorChain, HttpError } from "./errors.js";
import type { RetryKind } from "./settings.js";

// The call never got an answer in time: connect, headers or body timed out.
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

// The upstream is not there or dropped us: the spec's "service unavailable" row.
// UND_ERR_SOCKET is undici's "other side closed", a reset seen from inside a request.
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "UND_ERR_SOCKET"]);

const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/**
 * Which row of the spec's retry table `err` falls under, or "none" when it is
 * not a failure we retry (a 500, a bug, a caller's own abort, an open breaker).
 */
export function classifyFailure(err: unknown): RetryKind | "none" {
  // An open breaker must surface at once so the caller can fall back.
  if (err instanceof BreakerOpenError) return "none";
  if (err instanceof HttpError) return classifyStatus(err.status);
  for (const link of errorChain(err)) {
    const kind = classifyTransportError(link);
    if (kind !== "none") return kind;
  }
  return "none";
}

function classifyStatus(status: number): RetryKind | "none" {
  if (status === 401) return "authentication";
  if (status === 429) return "rate-limited";
  // 408: the upstream gave up waiting for us, the same fault as our own timeout.
  if (status === 408) return "network-timeout";
  if (UNAVAILABLE_STATUSES.has(status)) return "service-unavailable";
  if (status >= 400 && status < 500) return "validation";
  // Other 5xx (500, 501...) are upstream bugs; repeating the request will not fix them.
  return "none";
}

function classifyTransportError(err: unknown): RetryKind | "none" {
  if (typeof err !== "object" || err === null) return "none";
  const { code, name } = err as { code?: unknown; name?: unknown };
  if (typeof code === "string" && TIMEOUT_CODES.has(code)) return "network-timeout";
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return "service-unavailable";
  // AbortSignal.timeout() and our per-attempt timer abort with a TimeoutError
  // DOMException; undici rethrows that reason, sometimes wrapped as an AbortError's cause.
  if (name === "TimeoutError") return "network-timeout";
  // A bare AbortError is the caller cancelling: never retry it.
  return "none";
}
