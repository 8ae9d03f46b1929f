import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { lockDataDir, type DataDirLock } from "./dataDirLock.js";

// How PGlite behaves behind @electric-sql/pglite-socket 0.2.17 (read from its source, then measured
// with pg 8.23 clients against it; PGlite 0.5.14):
//
// - PGlite is ONE backend session. Every socket connection feeds the same session through one queue
//   of protocol messages: pg_backend_pid() is the same on all of them, SET and session state leak
//   between them, and a NOTIFY is delivered to the connection that sent it, never to a LISTENer.
// - Session advisory locks are re-entrant within a session, so every connection is granted the same
//   lock at once (pg_try_advisory_lock returns true on A and on B): they exclude nothing.
// - Explicit transactions do not interleave: while the session is inside BEGIN...COMMIT the queue
//   only serves the connection that sent the last message, and other connections' messages wait
//   (B's BEGIN returned only after A's COMMIT; 20 read-modify-write transactions on 10 connections
//   counted to exactly 20). The flip side: a query on another connection that an open transaction
//   awaits waits for that transaction to end, i.e. forever.
// - Statements outside explicit transactions DO interleave at protocol-message level. A message
//   larger than one socket read (~64 KB, e.g. a 1 MB bytea parameter) is queued only once complete,
//   so other connections' Parse messages run in between and replace the unnamed prepared statement:
//   with 10 concurrent `select $1::int as k<i>, length($2)` carrying 1 MB each, 9 of 10 came back
//   executed with another connection's SQL. That silently runs the wrong statement.
// - Connections beyond maxConnections are accepted and closed at once ("Connection terminated
//   unexpectedly" in pg). A message that makes PGlite itself throw (an SQL error is answered normally)
//   stops the queue for good, as it never clears its `processing` flag: nothing here relies on recovery.
//
// Hence createDatabase({ embedded: true }) passes every statement and transaction through one
// process-wide gate per server (sessionGate.ts): whole statements and whole transactions take turns,
// and a Database query that its own open transaction awaits is refused after a timeout instead of
// hanging every service. Features built on advisory locks, SKIP LOCKED or LISTEN/NOTIFY need a
// polling fallback here (ARCHITECTURE.md "Data ownership"); SKIP LOCKED never skips anything, since
// no two transactions are ever open at once.

export interface EmbeddedPostgresOptions {
  /** Directory for the database files (`<dataDir>/pgdata`) and the lock file; created if missing. */
  dataDir: string;
  /** TCP port to listen on; default 0, any free port (read the chosen one from `url`). */
  port?: number;
  /** Interface to bind; default "127.0.0.1". There is no authentication: keep it on loopback. */
  host?: string;
  /** Socket connections served at once (count); give the sum of the pool sizes that connect to it. */
  maxConnections: number;
}

export interface EmbeddedPostgres {
  /** postgres:// URL for the pg driver, e.g. postgres://postgres@127.0.0.1:41234/postgres */
  url: string;
  /** Stops the socket server, closes PGlite (flushing its files) and releases the lock; idempotent. */
  close(): Promise<void>;
}

/**
 * Opens PGlite on `<dataDir>/pgdata` (created by initdb on first use, reused afterwards) and serves
 * it over the Postgres wire protocol. Throws DataDirLockedError while another live process holds
 * `dataDir`. Pass the returned URL to createDatabase with `embedded: true`.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (!Number.isSafeInteger(opts.maxConnections) || opts.maxConnections < 1) {
    throw new RangeError(`maxConnections must be a positive integer, got ${opts.maxConnections}`);
  }
  const dataDir = path.resolve(opts.dataDir);
  // PGlite creates pgdata itself but not its parents.
  await mkdir(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir);
  try {
    const db = await PGlite.create(path.join(dataDir, "pgdata"));
    const server = await serve(db, opts);
    return { url: urlOf(server), close: once(() => shutDown(server, db, lock)) };
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function serve(db: PGlite, opts: EmbeddedPostgresOptions): Promise<PGLiteSocketServer> {
  const server = new PGLiteSocketServer({
    db,
    port: opts.port ?? 0,
    host: opts.host ?? "127.0.0.1",
    maxConnections: opts.maxConnections,
  });
  try {
    await server.start();
    return server;
  } catch (err) {
    await db.close();
    throw err;
  }
}

async function shutDown(server: PGLiteSocketServer, db: PGlite, lock: DataDirLock): Promise<void> {
  try {
    // stop() detaches every connection; one caught mid-transaction queues its ROLLBACK on PGlite
    // before stop() returns, and close() waits for PGlite's queue, so that rollback lands first.
    await server.stop();
    await db.close();
  } finally {
    lock.release();
  }
}

function urlOf(server: PGLiteSocketServer): string {
  const address = server.getServerConn(); // "host:port" once started
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon);
  const port = address.slice(colon + 1);
  // PGlite ignores user, password and database name; these are the ones pg would default to.
  return `postgres://postgres@${host.includes(":") ? `[${host}]` : host}:${port}/postgres`;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
