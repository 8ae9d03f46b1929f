import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import pg from "pg";
import { SpanNames } from "../tracing/spans.js";
import { OPEN_GATE, sessionGateFor, type SessionGate } from "./sessionGate.js";
import { summarizeSql } from "./sqlSummary.js";

/** Rows of one statement (the last one when the SQL holds several). */
export interface QueryRows<R> {
  rows: R[];
  /** Rows returned or affected; 0 for statements that report none. */
  rowCount: number;
}

/** Anything that runs SQL: the Database itself, or the `tx` inside a transaction. */
export interface Queryable {
  /** Runs `sql` with `$1..$n` bound to `params`; without params, `sql` may hold several statements. */
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryRows<R>>;
}

export interface Database extends Queryable {
  /** Runs `fn` between BEGIN and COMMIT on one connection; any failure rolls back and rethrows. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** `select 1` through the guard, for /readyz; rejects when the database is unreachable. */
  ping(): Promise<void>;
  /** Ends the pool; idempotent. */
  close(): Promise<void>;
  /** The underlying pool, for tools that need a raw client; bypasses tracing, guard and (embedded) gate. */
  readonly pool: pg.Pool;
  /** True on embedded PGlite, where statements are serialized (see embedded.ts). */
  readonly embedded: boolean;
}

/** Wraps one database call, e.g. a circuit breaker's execute. */
export type Guard = <T>(fn: () => Promise<T>) => Promise<T>;

export interface DatabaseOptions {
  /** postgres:// connection URL (DATABASE_URL, or the one startEmbeddedPostgres returns). */
  url: string;
  /**
   * Most connections the pool opens (count); default 10. On embedded, at most the server's
   * `maxConnections` (the gate uses one at a time there, so extra ones only sit idle).
   */
  poolSize?: number;
  /** True when `url` is an embedded PGlite: serializes statements and transactions; default false. */
  embedded?: boolean;
  /** Runs every query, connect and ping, e.g. the database breaker's execute; default: call directly. */
  guard?: Guard;
  /** `application_name` shown in pg_stat_activity, e.g. "materi-shield"; default none. */
  applicationName?: string;
  /** Wait for a free or new connection before failing, in milliseconds; default 10000. */
  connectTimeoutMs?: number;
  /** Hears errors of idle pooled connections (server restart, network cut); default: ignored. */
  onIdleError?: (err: Error) => void;
  /**
   * Embedded only: how long a query started on the Database from inside one of its transactions may
   * wait for that transaction before it is refused as a deadlock, in milliseconds; default 5000.
   */
  deadlockAfterMs?: number;
}

type RunSql = (sql: string, params?: unknown[]) => Promise<pg.QueryResult | pg.QueryResult[]>;

const TRACER_NAME = "materi";
const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_DEADLOCK_AFTER_MS = 5_000;
const direct: Guard = (fn) => fn();

/** Opens a pool on `url` whose queries are traced, guarded and, on embedded PGlite, serialized. */
export function createDatabase(opts: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...(opts.applicationName === undefined ? {} : { application_name: opts.applicationName }),
  });
  // Without a listener an idle client's error would crash the process. pg has already dropped that
  // client; the next query opens a new connection and reports its own failure.
  pool.on("error", (err) => opts.onIdleError?.(err));
  const embedded = opts.embedded ?? false;
  const gate = embedded ? sessionGateFor(opts.url) : OPEN_GATE;
  const deadlockAfterMs = opts.deadlockAfterMs ?? DEFAULT_DEADLOCK_AFTER_MS;
  return new PooledDatabase(pool, embedded, gate, opts.guard ?? direct, deadlockAfterMs);
}

class PooledDatabase implements Database {
  private closing: Promise<void> | undefined;

  constructor(
    readonly pool: pg.Pool,
    readonly embedded: boolean,
    private readonly gate: SessionGate,
    private readonly guard: Guard,
    private readonly deadlockAfterMs: number,
  ) {}

  private gated<T>(fn: () => Promise<T>): Promise<T> {
    return this.gate.run(fn, this.deadlockAfterMs);
  }

  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryRows<R>> {
    // The gate wraps the guard, not the reverse: waiting for PGlite's one session is not slowness the
    // breaker should count, and a call refused by the gate is a bug in the caller, not a failing database.
    const run: RunSql = (text, values) => this.gated(() => this.guard(() => this.pool.query(text, values)));
    return tracedQuery<R>(run, sql, params);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.gated(async () => {
      const client = await this.guard(() => this.pool.connect());
      let broken: Error | undefined;
      try {
        return await runInTransaction(client, fn, this.guard, (err) => (broken = err));
      } finally {
        client.release(broken);
      }
    });
  }

  async ping(): Promise<void> {
    // Not traced: readiness probes every few seconds would bury real queries in trace storage.
    await this.gated(() => this.guard(() => this.pool.query("select 1")));
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}

/**
 * BEGIN, `fn(tx)`, COMMIT on `client`; on any failure ROLLBACK and rethrow. `onBroken` hears when
 * even ROLLBACK failed, so the caller destroys the connection instead of pooling it mid-transaction.
 * The client is neither acquired nor released here.
 */
export async function runInTransaction<T>(
  client: pg.ClientBase,
  fn: (tx: Queryable) => Promise<T>,
  guard: Guard,
  onBroken: (err: Error) => void,
): Promise<T> {
  let finished = false;
  const unguarded: RunSql = (text, values) => {
    if (finished) return Promise.reject(new Error(`query after its transaction ended: ${text.slice(0, 80)}`));
    return client.query(text, values);
  };
  const run: RunSql = (text, values) => guard(() => unguarded(text, values));
  const tx: Queryable = { query: (sql, params) => tracedQuery(run, sql, params) };
  try {
    await tx.query("BEGIN");
    const result = await fn(tx);
    await tx.query("COMMIT");
    return result;
  } catch (err) {
    // Not through the guard: an open breaker must not leave the transaction hanging on the connection.
    await tracedQuery(unguarded, "ROLLBACK", undefined).catch((rollbackErr: unknown) =>
      onBroken(rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr))),
    );
    throw err;
  } finally {
    finished = true;
  }
}

/** Runs one statement through `run` inside a "Database Query" span (spec "Distributed Tracing"). */
function tracedQuery<R>(run: RunSql, sql: string, params: unknown[] | undefined): Promise<QueryRows<R>> {
  const { operation, table } = summarizeSql(sql);
  const attributes: Attributes = table === undefined ? { operation } : { table, operation };
  const options = { kind: SpanKind.CLIENT, attributes };
  return trace.getTracer(TRACER_NAME).startActiveSpan(SpanNames.databaseQuery, options, async (span) => {
    try {
      return rowsOf<R>(await run(sql, params));
    } catch (err) {
      recordFailure(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

function rowsOf<R>(result: pg.QueryResult | pg.QueryResult[]): QueryRows<R> {
  // Several statements without params come back as one result each (pg's simple query protocol).
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return { rows: (last?.rows ?? []) as R[], rowCount: last?.rowCount ?? 0 };
}

function recordFailure(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
