import type { RateLimiterRes } from "rate-limiter-flexible";

/** One request's rate-limit outcome, as the RateLimit-* headers report it. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (RateLimit-Reset, and Retry-After when refused). */
  resetS: number;
}

interface Budget {
  /** Points left when Redis last answered for this key. */
  remaining: number;
  resetAtMs: number;
}

/** Keys whose last known budget is remembered; the oldest is forgotten beyond this. */
const MAX_KNOWN_KEYS = 50_000;
/** Below this many remaining points (or 10% of the limit, if larger) every request waits for Redis. */
const MIN_MARGIN = 10;

/**
 * Lets a replica answer most rate-limit checks from memory while Redis still counts every
 * request. For each key it remembers what Redis last said (points remaining, window end) and the
 * requests it has allowed since, which are counted in Redis in one batch per flush.
 *
 * A request is allowed locally only while remaining - owed stays above `margin` and at most
 * `margin` requests are owed; otherwise the caller asks Redis and waits (exact near the limit).
 * So a client spraying N replicas within one flush interval can exceed its limit by at most
 * (N - 1) x margin; one replica alone never exceeds it.
 */
export class LocalBudgets {
  private readonly known = new Map<string, Budget>();
  private readonly owed = new Map<string, number>();
  readonly margin: number;

  constructor(private readonly points: number) {
    this.margin = Math.max(MIN_MARGIN, Math.ceil(points * 0.1));
  }

  /** Allows one request from memory when the key is far from its limit, else undefined. */
  takeIfFar(key: string, nowMs: number): RateDecision | undefined {
    const budget = this.known.get(key);
    if (budget === undefined || budget.resetAtMs <= nowMs) return undefined;
    const owed = (this.owed.get(key) ?? 0) + 1;
    if (owed > this.margin || budget.remaining - owed <= this.margin) return undefined;
    this.owed.set(key, owed);
    return { allowed: true, limit: this.points, remaining: budget.remaining - owed, resetS: Math.max(1, Math.ceil((budget.resetAtMs - nowMs) / 1000)) };
  }

  /** Removes and returns what is owed for `key` (to be counted together with a request in hand). */
  settle(key: string): number {
    const owed = this.owed.get(key) ?? 0;
    if (owed > 0) {
      this.owed.delete(key);
      this.spend(key, owed);
    }
    return owed;
  }

  /** Removes and returns everything owed, for one batched count per key. */
  drain(): Array<[string, number]> {
    const all = [...this.owed];
    this.owed.clear();
    // Until Redis answers the batched count, what it will say is known: the drained points are
    // spent. Without this, requests in that gap were told the pre-batch remaining again.
    for (const [key, points] of all) this.spend(key, points);
    return all;
  }

  private spend(key: string, points: number): void {
    const budget = this.known.get(key);
    if (budget) budget.remaining -= points;
  }

  get hasOwed(): boolean {
    return this.owed.size > 0;
  }

  learn(key: string, res: RateLimiterRes, nowMs: number): void {
    this.known.delete(key);
    this.known.set(key, { remaining: res.remainingPoints, resetAtMs: nowMs + res.msBeforeNext });
    if (this.known.size > MAX_KNOWN_KEYS) this.known.delete(this.known.keys().next().value as string);
  }
}
