import { circuitBreaker, CircuitState, handleWhen, type CircuitBreakerPolicy } from "cockatiel";
import { BreakerOpenError, HttpError } from "./errors.js";
import type { BreakerSettings } from "./settings.js";
import { SlidingWindowBreaker, systemClock, type Clock } from "./SlidingWindowBreaker.js";

export type BreakerState = "closed" | "open" | "half-open";

/** A circuit breaker guarding one upstream. */
export interface Breaker {
  /** e.g. "shield" or "ai-provider:openai". */
  readonly name: string;
  /** "half-open" as soon as the recovery time has passed, even before a probe arrives. */
  readonly state: BreakerState;
  /** Runs `fn`, or rejects with BreakerOpenError without running it. */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Hears every transition ("half-open" when the first probe is admitted); returns an unsubscribe. */
  onStateChange(listener: (state: BreakerState) => void): () => void;
}

export interface BreakerOptions {
  /** Names the breaker in errors and telemetry, e.g. "ai-provider:openai". */
  name: string;
  /** The figures, usually `BREAKER_SETTINGS[target]`. */
  settings: BreakerSettings;
  /**
   * Which errors count toward opening. Default: every error except an HttpError
   * below 500, since a 4xx proves the upstream is up and answering.
   */
  isFailure?: (err: unknown) => boolean;
  /** Time source for the failure window and the recovery time; default `Date.now`. */
  clock?: Clock;
}

const defaultIsFailure = (err: unknown): boolean => !(err instanceof HttpError && err.status < 500);

/**
 * A breaker with the spec's semantics: `failureThreshold` failures inside
 * `windowMs` open it; after `recoveryMs` it lets exactly `halfOpenRequests`
 * probes through; all must succeed to close it, one failure re-opens it.
 */
export function createBreaker(opts: BreakerOptions): Breaker {
  const { halfOpenRequests, recoveryMs } = opts.settings;
  if (!Number.isSafeInteger(halfOpenRequests) || halfOpenRequests < 1) {
    throw new RangeError(`halfOpenRequests must be a positive integer, got ${halfOpenRequests}`);
  }
  if (!(recoveryMs >= 0)) throw new RangeError(`recoveryMs must be >= 0, got ${recoveryMs}`);
  return new ProbingBreaker(opts);
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * One half-open round. cockatiel's CircuitBreakerPolicy runs exactly ONE test
 * call while half-open and makes every other caller wait for it, then closes on
 * its success. The spec wants H concurrent probes, all of which must succeed,
 * and the (H+1)th caller refused. So the round's `outcome` promise *is*
 * cockatiel's single test: it resolves when H probes have succeeded and rejects
 * on the first probe failure, and cockatiel closes or re-opens on it as usual.
 */
class ProbeRound {
  readonly outcome: Promise<void>;
  /** cockatiel's test promise; settled once cockatiel has closed or re-opened. */
  test: Promise<unknown> = Promise.resolve();
  private admitted = 0;
  private succeeded = 0;
  private settled = false;
  private resolve!: () => void;
  private reject!: (err: unknown) => void;

  constructor(private readonly size: number) {
    this.outcome = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  admit(): boolean {
    if (this.admitted >= this.size) return false;
    this.admitted++;
    return true;
  }

  /** @returns true when this success decided the round. */
  succeed(): boolean {
    if (this.settled || ++this.succeeded < this.size) return false;
    this.settled = true;
    this.resolve();
    return true;
  }

  /** @returns true when this failure decided the round. */
  fail(err: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.reject(err);
    return true;
  }
}

class ProbingBreaker implements Breaker {
  readonly name: string;
  private readonly settings: BreakerSettings;
  private readonly isFailure: (err: unknown) => boolean;
  private readonly clock: Clock;
  private readonly policy: CircuitBreakerPolicy;
  private readonly listeners = new Set<(state: BreakerState) => void>();
  private openedAt = 0;
  private round: ProbeRound | undefined;

  constructor(opts: BreakerOptions) {
    this.name = opts.name;
    this.settings = opts.settings;
    this.isFailure = opts.isFailure ?? defaultIsFailure;
    this.clock = opts.clock ?? systemClock;
    const breaker = new SlidingWindowBreaker({
      threshold: opts.settings.failureThreshold,
      windowMs: opts.settings.windowMs,
      clock: this.clock,
    });
    // halfOpenAfter is 0 because cockatiel times the open period with Date.now(),
    // which an injected clock cannot reach; we time recoveryMs ourselves below and
    // only hand cockatiel a call once it has passed.
    this.policy = circuitBreaker(handleWhen(this.isFailure), { halfOpenAfter: 0, breaker });
    this.policy.onStateChange((state) => this.onPolicyStateChange(state));
  }

  get state(): BreakerState {
    const state = this.policy.state;
    if (state === CircuitState.Open && this.recoveryLeftMs() === 0) return "half-open";
    return toBreakerState(state);
  }

  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    switch (this.policy.state) {
      case CircuitState.Closed:
        return this.policy.execute(({ signal }) => fn(signal));
      case CircuitState.HalfOpen:
        return this.probe(fn);
      case CircuitState.Open:
        if (this.recoveryLeftMs() > 0) return Promise.reject(this.refusal());
        this.beginRound();
        return this.probe(fn);
      default:
        return Promise.reject(this.refusal());
    }
  }

  onStateChange(listener: (state: BreakerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private beginRound(): void {
    const round = new ProbeRound(this.settings.halfOpenRequests);
    this.round = round;
    // cockatiel flips to HalfOpen synchronously inside execute(); the test's own
    // rejection reaches the probe that failed, so this copy only has to settle.
    round.test = this.policy.execute(() => round.outcome).catch(() => undefined);
    if (this.policy.state !== CircuitState.HalfOpen) this.round = undefined;
  }

  private async probe<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const round = this.round;
    if (round === undefined || !round.admit()) throw this.refusal();
    let value: T;
    try {
      value = await fn(NEVER_ABORTED);
    } catch (err) {
      // An error the breaker does not count (say a 404) still proves the upstream answered.
      const decided = this.isFailure(err) ? round.fail(err) : round.succeed();
      // The deciding probe returns only after cockatiel has moved, so its caller sees the new state.
      if (decided) await round.test;
      throw err;
    }
    if (round.succeed()) await round.test;
    return value;
  }

  private onPolicyStateChange(state: CircuitState): void {
    if (state === CircuitState.Open) {
      this.openedAt = this.clock.now();
      // cockatiel can re-open from half-open on a late failure of a call admitted
      // while closed; settle the orphaned round so its test cannot close us later.
      this.round?.fail(new BreakerOpenError(this.name, this.settings.recoveryMs));
      this.round = undefined;
    } else if (state === CircuitState.Closed) {
      this.round = undefined;
    }
    this.emit(toBreakerState(state));
  }

  private emit(state: BreakerState): void {
    for (const listener of this.listeners) {
      try {
        listener(state);
      } catch (err) {
        // A throwing listener runs inside cockatiel's transition; it must not leave the breaker half-moved.
        process.emitWarning(err instanceof Error ? err : String(err), { code: "MATERI_BREAKER_LISTENER" });
      }
    }
  }

  private recoveryLeftMs(): number {
    return Math.max(0, this.openedAt + this.settings.recoveryMs - this.clock.now());
  }

  private refusal(): BreakerOpenError {
    const open = this.policy.state === CircuitState.Open || this.policy.state === CircuitState.Isolated;
    return new BreakerOpenError(this.name, open ? this.recoveryLeftMs() : undefined);
  }
}

function toBreakerState(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return "closed";
  if (state === CircuitState.HalfOpen) return "half-open";
  return "open";
}
