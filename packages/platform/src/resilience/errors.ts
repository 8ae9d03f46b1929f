/**
 * An upstream answered with a status >= 400. Thrown by `createHttpClient`;
 * `classifyFailure` reads `status` and `withRetry` reads `headers["retry-after"]`.
 */
export class HttpError extends Error {
  /** The upstream's HTTP status code. */
  readonly status: number;
  /** Response headers, names lower-cased, repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  /** The parsed JSON (or problem+json) body, the raw text otherwise, `undefined` when empty. */
  readonly body: unknown;

  constructor(
    status: number,
    headers: Record<string, string>,
    body: unknown,
    message = `upstream answered ${status}`,
  ) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

/**
 * A breaker refused the call without running it: it is open, or half-open with
 * every probe slot taken. Never retried, so callers can fall back at once.
 */
export class BreakerOpenError extends Error {
  /** Name of the breaker that refused, e.g. "shield" or "ai-provider:openai". */
  readonly breaker: string;
  /** Milliseconds until the breaker will admit probes; absent while half-open. */
  readonly retryAfterMs?: number;
  // cockatiel's `isBrokenCircuitError()` duck-types on this flag, so code written
  // against cockatiel's own BrokenCircuitError recognises ours too.
  readonly isBrokenCircuitError = true;

  constructor(breaker: string, retryAfterMs?: number) {
    super(
      retryAfterMs === undefined
        ? `circuit breaker "${breaker}" is half-open and all probe slots are taken`
        : `circuit breaker "${breaker}" is open for another ${retryAfterMs} ms`,
    );
    this.name = "BreakerOpenError";
    this.breaker = breaker;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/** Walks `err`, its `cause` chain and any AggregateError members (undici and net nest the real reason). */
export function* errorChain(err: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === undefined || current === null || seen.has(current)) continue;
    seen.add(current);
    yield current;
    if (current instanceof AggregateError) queue.push(...current.errors);
    if (current instanceof Error) queue.push(current.cause);
  }
}
