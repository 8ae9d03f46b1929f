/**
 * On-demand async context: AsyncLocalStorage kept enabled only while work started through it is
 * in flight, for a process whose hot path never needs a context.
 *
 * Why: on Node 20 an AsyncLocalStorage, once it has run anything, stays enabled, and while one is
 * enabled every async resource (each socket write, each process.nextTick, each promise) calls a
 * JavaScript init hook that copies the store onto the new resource. The standalone gateway uses
 * the request context and the OpenTelemetry context only around its rare event handlers (system
 * events, its start announcement), yet one of those at start-up left the hooks on for every
 * proxied request (issue 3, bench/gateway.ts: about 1.5 µs of CPU per request). In on-demand mode
 * a storage is disabled again once the last run that enabled it has settled.
 *
 * The price: work a run starts but does not wait for (fire and forget) loses the context once the
 * run settles, so its log lines lack correlation_id / trace ids. Only for a process that serves no
 * request inside a context: never with Fastify's per-request `httpTracing` hook, whose runs return
 * before the request is handled (hence a process-wide switch for a standalone entry point, never a
 * per-service option in a process shared with other services).
 */
let onDemand = false;

/**
 * Turns on-demand mode on or off for this process (default off: storages stay enabled once used,
 * Node's behaviour). Switch it before any context is entered: runs already in flight are not counted.
 */
export function setAsyncContextOnDemand(enabled: boolean): void {
  onDemand = enabled;
}

/** Whether on-demand mode is on (see {@link setAsyncContextOnDemand}). */
export function isAsyncContextOnDemand(): boolean {
  return onDemand;
}

/**
 * Counts the runs in flight on one storage and disables it when the last one settles (a run that
 * returns a promise settles with it). Outside on-demand mode it only runs the function.
 */
export class ContextDemand {
  private inFlight = 0;

  /** @param disable Disables the storage (AsyncLocalStorage.disable, or a context manager's). */
  constructor(private readonly disable: () => void) {}

  /** Calls `enter`, which runs the work inside the storage, and keeps the storage enabled until it settles. */
  track<T>(enter: () => T): T {
    if (!onDemand) return enter();
    this.inFlight += 1;
    let result: T;
    try {
      result = enter();
    } catch (err) {
      this.release();
      throw err;
    }
    if (isThenable(result)) result.then(this.release, this.release);
    else this.release();
    return result;
  }

  private readonly release = (): void => {
    this.inFlight -= 1;
    if (this.inFlight === 0 && onDemand) this.disable();
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
