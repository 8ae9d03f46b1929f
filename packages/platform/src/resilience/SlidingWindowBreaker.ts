import { CircuitState, type IBreaker } from "cockatiel";

/** A source of the current time in milliseconds; `Date.now` unless a test injects one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface SlidingWindowBreakerOptions {
  /** Failures inside the window that open the circuit (count). */
  threshold: number;
  /** Window length in milliseconds; a failure older than this no longer counts. */
  windowMs: number;
  /** Time source; default `Date.now`. */
  clock?: Clock;
}

/**
 * cockatiel `IBreaker` that opens after `threshold` failures inside a sliding
 * window of `windowMs`, the spec's "5 failures / 10s" shape.
 *
 * cockatiel ships ConsecutiveBreaker (no time window), CountBreaker (a ratio over
 * the last N calls) and SamplingBreaker (a ratio over time, with a minimum
 * RPS), none of which is "N failures in T seconds": with a ratio, 5 failures
 * among 500 fast successes would never open, and successes do not forgive
 * failures in the spec's wording. So we keep failure timestamps only.
 */
export class SlidingWindowBreaker implements IBreaker {
  private failures: number[] = [];
  private readonly clock: Clock;

  constructor(private readonly options: SlidingWindowBreakerOptions) {
    if (!Number.isSafeInteger(options.threshold) || options.threshold < 1) {
      throw new RangeError(`threshold must be a positive integer, got ${options.threshold}`);
    }
    if (!(options.windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${options.windowMs}`);
    this.clock = options.clock ?? systemClock;
  }

  /** Serialised by cockatiel's `toJSON()`; timestamps are the injected clock's. */
  get state(): unknown {
    return { failures: [...this.failures] };
  }

  set state(value: unknown) {
    const failures = (value as { failures?: unknown } | null)?.failures;
    this.failures = Array.isArray(failures) ? failures.filter((t): t is number => typeof t === "number") : [];
  }

  success(state: CircuitState): void {
    // A successful half-open test closes the circuit: start counting afresh.
    if (state === CircuitState.HalfOpen) this.failures = [];
  }

  failure(state: CircuitState): boolean {
    // cockatiel re-opens on any half-open failure whatever we answer; just reset.
    if (state !== CircuitState.Closed) {
      this.failures = [];
      return true;
    }
    const now = this.clock.now();
    this.failures = this.failures.filter((at) => now - at < this.options.windowMs);
    this.failures.push(now);
    if (this.failures.length < this.options.threshold) return false;
    this.failures = [];
    return true;
  }
}
