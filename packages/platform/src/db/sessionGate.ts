import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Decides when a query or transaction may touch the database. Real PostgreSQL gives each pooled
 * connection its own backend, so its gate lets everything through; embedded PGlite runs every
 * connection in one session and needs one statement or transaction at a time (embedded.ts says why).
 */
export interface SessionGate {
  /**
   * Runs `fn` once nothing else holds the gate. A call made from inside a transaction that holds
   * the gate waits like any other (background work the transaction started runs after it), but if
   * that transaction is still open after `deadlockAfterMs` the transaction must be awaiting the call:
   * a deadlock, so the call is rejected with an error that says what to do instead.
   */
  run<T>(fn: () => Promise<T>, deadlockAfterMs: number): Promise<T>;
}

/** For real PostgreSQL: runs everything at once. */
export const OPEN_GATE: SessionGate = { run: (fn) => fn() };

interface Holding {
  gate: SessionGate;
  // Cleared when `fn` settles, so work that `fn` left running in the background (and that inherits
  // this async context) is not mistaken for work inside the gate.
  active: boolean;
}

const holding = new AsyncLocalStorage<Holding>();

// One gate per embedded server address, shared by every Database of the process: in the all-in-one
// launcher each service opens its own pool on the same PGlite, and their statements must not interleave.
const gates = new Map<string, SessionGate>();

/** The process-wide, serializing gate of the embedded server at `url` (keyed by host and port). */
export function sessionGateFor(url: string): SessionGate {
  const key = addressOf(url);
  let gate = gates.get(key);
  if (gate === undefined) {
    gate = new SerialGate(key);
    gates.set(key, gate);
  }
  return gate;
}

function addressOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}`;
  } catch {
    // Not a URL (a bare socket path, say): the string itself identifies the server.
    return url;
  }
}

/** A FIFO mutex that knows, through AsyncLocalStorage, which transaction a caller runs inside. */
class SerialGate implements SessionGate {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly address: string) {}

  run<T>(fn: () => Promise<T>, deadlockAfterMs: number): Promise<T> {
    const outer = holding.getStore();
    const inside = outer?.active === true && outer.gate === this ? outer : undefined;
    let abandoned = false;
    const turn = this.tail.then(() => (abandoned ? undefined : this.hold(fn)));
    // The caller sees a rejection through `turn`; the chain only needs to know it settled.
    this.tail = turn.catch(() => undefined);
    if (inside === undefined) return turn as Promise<T>;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Our turn comes only after the holder's, so a holder still open means we have not started.
        if (!inside.active) return;
        abandoned = true;
        reject(this.deadlockError(deadlockAfterMs));
      }, deadlockAfterMs);
      turn.then((value) => resolve(value as T), reject).finally(() => clearTimeout(timer));
    });
  }

  private deadlockError(ms: number): Error {
    return new Error(
      `Embedded database ${this.address}: a query or transaction started on the Database inside transaction() ` +
        `waited ${ms} ms for that same transaction to end. PGlite has one session, so it never would. ` +
        "Run it on the `tx` that transaction() passes to its callback.",
    );
  }

  private async hold<T>(fn: () => Promise<T>): Promise<T> {
    const held: Holding = { gate: this, active: true };
    try {
      return await holding.run(held, fn);
    } finally {
      held.active = false;
    }
  }
}
