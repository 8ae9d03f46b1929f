/**
 * A level-triggered wake-up for a polling loop: `signal()` ends the current `wait()` early, and a
 * signal that arrives while the loop is busy makes its next `wait()` return at once, so a commit
 * notified during a round is never left for the next poll.
 */
export class Wakeup {
  private signaled = false;
  private waiter: (() => void) | undefined;

  signal(): void {
    this.signaled = true;
    this.waiter?.();
  }

  /** Resolves after `ms`, on `signal()`, or on abort, whichever comes first. */
  wait(ms: number, abort: AbortSignal): Promise<void> {
    if (this.signaled || abort.aborted) {
      this.signaled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        abort.removeEventListener("abort", done);
        this.waiter = undefined;
        this.signaled = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiter = done;
      abort.addEventListener("abort", done, { once: true });
    });
  }
}

/** Resolves after `ms`, or at once on abort. */
export function sleep(ms: number, abort: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      abort.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    abort.addEventListener("abort", done, { once: true });
  });
}
