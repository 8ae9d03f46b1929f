import { SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { Pool } from "undici";
import type { Breaker } from "./createBreaker.js";
import { HttpError } from "./errors.js";
import { attemptSignal, buildHeaders, flattenHeaders, readBody, templateOf } from "./httpMessages.js";
import { withRetry, type RetryOptions } from "./withRetry.js";

export interface HttpClientOptions {
  /** The target service's name, the `service` span attribute, e.g. "shield" or "openai". */
  service: string;
  /** Origin plus optional path prefix, e.g. "http://shield:8080" or "https://api.openai.com/v1". */
  baseUrl: string;
  /** Breaker every attempt runs through. Default: none. */
  breaker?: Breaker;
  /** Retry per the spec's retry table (`withRetry`). Default true. */
  retry?: boolean;
  /** Per-attempt limit in milliseconds, from sending to the last body byte. Default 10 000. */
  timeoutMs?: number;
  /** Headers added to every attempt, read again after `refreshAuth()`, e.g. X-Service-Key. Default none. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Renews credentials before the single 401 retry. Default: a 401 is not retried. */
  refreshAuth?: () => Promise<void>;
  /** Waits between retries (tests inject a recorder). Default: real timers, see `withRetry`. */
  sleep?: RetryOptions["sleep"];
  /** Clock for the retry budgets, in epoch milliseconds. Default `Date.now`. */
  now?: RetryOptions["now"];
}

export interface HttpRequest {
  /** HTTP method, e.g. "GET". */
  method: string;
  /** Path and query below `baseUrl`, e.g. "/v1/users/42?expand=1". */
  path: string;
  /** Template for the span's `endpoint`, e.g. "/v1/users/:id". Default: `path` without query, ids as ":id". */
  template?: string;
  /** Sent as JSON when defined. */
  body?: unknown;
  /** Extra headers for this request; they win over the client's. */
  headers?: Record<string, string>;
  /** Cancels the request, its retries and their waits; a cancelled call is never retried. */
  signal?: AbortSignal;
}

export interface HttpResponse<T> {
  status: number;
  /** Lower-case names, repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON for JSON content types, text otherwise, undefined when empty. */
  body: T;
}

export interface HttpClient {
  /** Resolves for status < 400; rejects with HttpError, BreakerOpenError or the transport error. */
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  /** Waits for requests in flight, then closes the pooled connections. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A JSON client for one upstream. Each call composes, outside in:
 * retry -> "External Call" span -> breaker -> one HTTP exchange. Retry sits
 * outside the breaker so every attempt counts toward opening it, and a
 * BreakerOpenError is never retried, so callers can fall back at once.
 */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const base = new URL(opts.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, "");
  // One keep-alive pool per client (undici keeps sockets alive between requests
  // by default and honours the upstream's keep-alive hints).
  const pool = new Pool(base.origin);
  const send = <T>(req: HttpRequest): Promise<HttpResponse<T>> => sendOnce<T>(pool, opts, prefix + req.path, req);
  const guarded = <T>(req: HttpRequest): Promise<HttpResponse<T>> =>
    opts.breaker === undefined ? send<T>(req) : opts.breaker.execute(() => send<T>(req));

  return {
    request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      const endpoint = `${req.method.toUpperCase()} ${req.template ?? templateOf(req.path)}`;
      const attempt = (n: number): Promise<HttpResponse<T>> =>
        inSpan(opts.service, endpoint, n, () => guarded<T>(req));
      if (opts.retry === false) return attempt(0);
      const { refreshAuth, sleep, now } = opts;
      return withRetry(attempt, { refreshAuth, sleep, now, signal: req.signal });
    },
    close: () => pool.close(),
  };
}

async function sendOnce<T>(
  pool: Pool,
  opts: HttpClientOptions,
  path: string,
  req: HttpRequest,
): Promise<HttpResponse<T>> {
  const method = req.method.toUpperCase();
  const hasBody = req.body !== undefined;
  const headers = buildHeaders(await opts.headers?.(), req.headers, hasBody);
  // The timer stays armed while the body streams in: a stalled body is a timeout too.
  const timeout = attemptSignal(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, req.signal);
  try {
    const res = await pool.request({
      method,
      path,
      headers,
      body: hasBody ? JSON.stringify(req.body) : null,
      signal: timeout.signal,
    });
    const body = await readBody(res);
    const resHeaders = flattenHeaders(res.headers);
    if (res.statusCode >= 400) {
      throw new HttpError(res.statusCode, resHeaders, body, `${opts.service} answered ${method} ${req.path} with ${res.statusCode}`);
    }
    return { status: res.statusCode, headers: resHeaders, body: body as T };
  } finally {
    timeout.clear();
  }
}

/** Runs one attempt inside an active client span, so the injected traceparent names it as parent. */
function inSpan<T>(service: string, endpoint: string, attempt: number, run: () => Promise<HttpResponse<T>>) {
  const tracer = trace.getTracer("materi");
  const attributes = { service, endpoint, "materi.retry.attempt": attempt };
  return tracer.startActiveSpan("External Call", { kind: SpanKind.CLIENT, attributes }, async (span: Span) => {
    try {
      const res = await run();
      span.setAttribute("http.response.status_code", res.status);
      return res;
    } catch (err) {
      if (err instanceof HttpError) span.setAttribute("http.response.status_code", err.status);
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}
