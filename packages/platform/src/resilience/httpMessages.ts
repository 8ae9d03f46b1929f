import { context, propagation } from "@opentelemetry/api";
import type { Dispatcher } from "undici";
import { currentCorrelationId } from "../context/requestContext.js";

// The request/response plumbing of createHttpClient, kept apart so the client
// file reads as the composition (retry -> span -> breaker -> send) only.

// application/json, application/problem+json (RFC 9457) and any other +json type.
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\b/i;

/**
 * Outgoing headers, all names lower-case so later sources override earlier ones
 * regardless of spelling: defaults < client headers < request headers < tracing.
 */
export function buildHeaders(
  clientHeaders: Record<string, string> | undefined,
  requestHeaders: Record<string, string> | undefined,
  hasBody: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    accept: "application/json, application/problem+json",
    ...lowerCaseKeys(clientHeaders),
    ...lowerCaseKeys(requestHeaders),
  };
  if (hasBody) headers["content-type"] ??= "application/json";
  // A caller relaying someone else's id keeps it; otherwise the request in flight's.
  headers["x-correlation-id"] ??= currentCorrelationId();
  // W3C traceparent/tracestate of the active span (the attempt's "External Call").
  propagation.inject(context.active(), headers);
  return headers;
}

/** Response headers as one string per lower-case name; repeats joined as RFC 9110 §5.3 allows. */
export function flattenHeaders(raw: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/**
 * Reads the whole body: parsed JSON for JSON content types, text otherwise,
 * undefined when empty. An error response with broken JSON keeps its text so
 * the HttpError still says something; a success with broken JSON throws.
 */
export async function readBody(res: Dispatcher.ResponseData): Promise<unknown> {
  const text = await res.body.text();
  if (text === "") return undefined;
  const type = res.headers["content-type"];
  if (typeof type !== "string" || !JSON_TYPE.test(type)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (res.statusCode >= 400) return text;
    throw err;
  }
}

// Numbers, UUIDs and ULIDs: the ids that would otherwise make every span name unique.
const ID_SEGMENT = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9A-HJKMNP-TV-Z]{26})$/i;

/** "/v1/users/42?x=1" -> "/v1/users/:id", for span attributes that stay low-cardinality. */
export function templateOf(path: string): string {
  const withoutQuery = path.split(/[?#]/, 1)[0] ?? "";
  return withoutQuery
    .split("/")
    .map((segment) => (ID_SEGMENT.test(segment) ? ":id" : segment))
    .join("/");
}

/**
 * A signal that aborts after `timeoutMs` with a TimeoutError (which
 * classifyFailure retries as a network timeout) or when `outer` aborts (which it does not).
 */
export function attemptSignal(timeoutMs: number, outer?: AbortSignal): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException(`no complete answer within ${timeoutMs} ms`, "TimeoutError"));
  }, timeoutMs);
  const signal = outer === undefined ? controller.signal : AbortSignal.any([outer, controller.signal]);
  return { signal, clear: () => clearTimeout(timer) };
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}
