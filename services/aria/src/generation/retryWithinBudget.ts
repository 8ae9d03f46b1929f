import { setTimeout as sleep } from "node:timers/promises";
import { withRetry } from "@materi/platform";

/** Thrown by our sleep when the next wait would end past the budget; never escapes. */
class BudgetSpent extends Error {}

/**
 * The platform's `withRetry` (the spec's retry table: delays per kind of failure, Retry-After
 * honoured, no retry of a 500 or an open breaker), cut at `budgetMs` of waiting and working: a
 * retry whose wait would end past it is not made, and the last error surfaces so the request can
 * fall back to the next provider instead of sitting out a 32 s backoff.
 */
export async function retryWithinBudget<T>(fn: (attempt: number) => Promise<T>, opts: { budgetMs: number; signal: AbortSignal }): Promise<T> {
  const startedAt = Date.now();
  let lastError: unknown;
  try {
    return await withRetry(fn, {
      signal: opts.signal,
      onRetry: (event) => {
        lastError = event.error;
      },
      sleep: (ms, signal) => (Date.now() - startedAt + ms > opts.budgetMs ? Promise.reject(new BudgetSpent()) : sleep(ms, undefined, { signal })),
    });
  } catch (err) {
    throw err instanceof BudgetSpent ? lastError : err;
  }
}
