import pg from "pg";
import type { Breaker } from "./createBreaker.js";

type Callback = (err: Error | undefined, ...results: unknown[]) => void;

// SQLSTATE classes/codes that mean the connection, not the statement, failed:
// 08xxx connection exceptions, 57P01 admin shutdown, 57P02 crash shutdown,
// 57P03 cannot connect now (starting up or in recovery).
const SERVER_GONE = new Set(["57P01", "57P02", "57P03"]);
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * True when `err` says the database could not be reached or dropped us, so it
 * should count toward the database breaker. An error carrying a SQLSTATE from
 * the server (a unique violation '23505', a missing table '42P01', 1/0 '22012')
 * proves the server is up and answering, so it does not, except the
 * connection-level codes above. Errors without one (ECONNREFUSED, pool and
 * connect timeouts, "Connection terminated unexpectedly") do.
 */
export function isDatabaseConnectionFailure(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return true;
  const { code, severity } = err as { code?: unknown; severity?: unknown };
  // The severity check keeps node's own 5-letter errno codes (EPIPE) out.
  const fromServer = err instanceof pg.DatabaseError || typeof severity === "string";
  if (!fromServer || typeof code !== "string" || !SQLSTATE.test(code)) return true;
  return code.startsWith("08") || SERVER_GONE.has(code);
}

/**
 * Returns `pool` with `connect()` and `query()` (on the pool and on clients it
 * hands out) running through `breaker`; everything else is the pool itself.
 * SQL errors reach the caller but are hidden from the breaker (see
 * `isDatabaseConnectionFailure`), whatever the breaker's own `isFailure`. With
 * the breaker open, calls reject with BreakerOpenError without touching the network.
 * Streams and cursors (`query(submittable)`) pass through unguarded; they are
 * consumed incrementally and do not fit one breaker call.
 */
export function guardPool(pool: pg.Pool, breaker: Breaker): pg.Pool {
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === "query") return (...args: unknown[]) => guardedQuery(target, breaker, args);
      if (prop === "connect") return (...args: unknown[]) => guardedConnect(target, breaker, args);
      return bound(target, prop);
    },
  });
}

function guardClient(client: pg.PoolClient, breaker: Breaker): pg.PoolClient {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "query") return (...args: unknown[]) => guardedQuery(target, breaker, args);
      return bound(target, prop);
    },
  });
}

function guardedQuery(target: pg.Pool | pg.PoolClient, breaker: Breaker, args: unknown[]): unknown {
  if (isSubmittable(args[0])) return Reflect.apply(target.query, target, args);
  const { callArgs, callback } = splitCallback(args);
  const result = throughBreaker(breaker, () => Reflect.apply(target.query, target, callArgs) as Promise<unknown>);
  if (callback === undefined) return result;
  result.then((res) => callback(undefined, res), (err: Error) => callback(err));
  return undefined;
}

function guardedConnect(pool: pg.Pool, breaker: Breaker, args: unknown[]): unknown {
  const { callback } = splitCallback(args);
  const result = throughBreaker(breaker, () => pool.connect()).then((client) => guardClient(client, breaker));
  if (callback === undefined) return result;
  // The callback form's third argument is the release function, as pg-pool passes it.
  result.then((client) => callback(undefined, client, client.release), (err: Error) => callback(err));
  return undefined;
}

/** Runs `run` in the breaker, letting errors that prove the server answered pass as breaker successes. */
async function throughBreaker<T>(breaker: Breaker, run: () => Promise<T>): Promise<T> {
  const outcome = await breaker.execute(async () => {
    try {
      return { ok: true as const, value: await run() };
    } catch (error) {
      if (isDatabaseConnectionFailure(error)) throw error;
      return { ok: false as const, error };
    }
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

function splitCallback(args: unknown[]): { callArgs: unknown[]; callback: Callback | undefined } {
  const last = args.at(-1);
  if (typeof last !== "function") return { callArgs: args, callback: undefined };
  return { callArgs: args.slice(0, -1), callback: last as Callback };
}

function isSubmittable(value: unknown): boolean {
  return typeof (value as { submit?: unknown } | null | undefined)?.submit === "function";
}

// Methods are bound to the real object so pg's internals see their own `this`, not the proxy.
function bound(target: object, prop: string | symbol): unknown {
  const value: unknown = Reflect.get(target, prop, target);
  return typeof value === "function" ? value.bind(target) : value;
}
