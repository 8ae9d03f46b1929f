import { classifyFailure } from "./classifyFailure.js";
import { HttpError } from "./errors.js";
import { RETRY_POLICIES, type RetryKind, type RetryPolicy } from "./settings.js";

// Hand-rolled rather than cockatiel's RetryPolicy: that policy has one attempt
// budget and one backoff for all errors and sleeps on the global setTimeout,
// while the spec gives each kind of failure its own budget, delays and total
// timeout, reads Retry-After, refreshes credentials before the 401 retry, and
// our tests inject the clock. The breaker, where cockatiel fits, is separate.

/** What `withRetry` reports before each retry. */
export interface RetryEvent {
  kind: RetryKind;
  /** The attempt about to run, counting from 0 for the first. */
  attempt: number;
  /** Milliseconds it waits first. */
  waitMs: number;
  error: unknown;
}

export interface RetryOptions {
  /**
   * Renews credentials before the single 401 retry (e.g. re-mint a service
   * token). Without it a 401 is not retried: the same credentials would fail again.
   */
  refreshAuth?: () => Promise<void>;
  /** Waits `ms` milliseconds, rejecting when `signal` aborts; default a setTimeout timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Current time in epoch milliseconds, for the total timeouts and HTTP-date Retry-After; default `Date.now`. */
  now?: () => number;
  /** Stops retrying, and cuts a pending wait short, when aborted. Default: never. */
  signal?: AbortSignal;
  /** Called before each retry's wait, e.g. to log it. Default: nothing. */
  onRetry?: (event: RetryEvent) => void;
}

/**
 * Runs `fn` and retries it per the spec's retry table (`RETRY_POLICIES`), each
 * kind of failure (see `classifyFailure`) with its own retry count, delays and
 * total budget measured from the first attempt. Rejects with the last error.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? sleepFor;
  const startedAt = now();
  const retriesByKind = new Map<RetryKind, number>();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const at = now();
      const plan = planRetry(err, retriesByKind, at - startedAt, at, opts.refreshAuth !== undefined);
      if (plan === undefined || opts.signal?.aborted) throw err;
      retriesByKind.set(plan.kind, (retriesByKind.get(plan.kind) ?? 0) + 1);
      opts.onRetry?.({ kind: plan.kind, attempt: attempt + 1, waitMs: plan.waitMs, error: err });
      if (plan.kind === "authentication") await opts.refreshAuth?.();
      if (plan.waitMs > 0) await sleep(plan.waitMs, opts.signal);
      opts.signal?.throwIfAborted();
    }
  }
}

/** The wait before the next retry, or undefined when `err` must surface. */
function planRetry(
  err: unknown,
  retriesByKind: ReadonlyMap<RetryKind, number>,
  elapsedMs: number,
  nowMs: number,
  canRefreshAuth: boolean,
): { kind: RetryKind; waitMs: number } | undefined {
  const kind = classifyFailure(err);
  if (kind === "none") return undefined;
  if (kind === "authentication" && !canRefreshAuth) return undefined;
  const policy = RETRY_POLICIES[kind];
  const retries = retriesByKind.get(kind) ?? 0;
  if (retries >= policy.maxRetries) return undefined;
  const waitMs = delayFor(policy, retries, err, nowMs);
  // Waiting past the budget only delays the same answer; give up now instead.
  if (elapsedMs + waitMs > policy.totalTimeoutMs) return undefined;
  return { kind, waitMs };
}

function delayFor(policy: RetryPolicy, retries: number, err: unknown, nowMs: number): number {
  if (policy.delaysMs !== "retry-after") return policy.delaysMs[retries] ?? policy.delaysMs.at(-1) ?? 0;
  const header = err instanceof HttpError ? err.headers["retry-after"] : undefined;
  // No usable header: fall back to the table's "linear" shape, 1 s more per retry.
  return parseRetryAfter(header, nowMs) ?? (retries + 1) * 1_000;
}

/**
 * Milliseconds to wait per a `Retry-After` header (RFC 9110 §10.2.3): either
 * delay-seconds or an HTTP-date, a past date meaning now. Undefined when absent or garbled.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
