import type pg from "pg";
import { runInTransaction, type Database, type Queryable } from "./database.js";

/** One versioned schema change, shipped in the repo and never edited once released. */
export interface Migration {
  /** Positive integer; strictly increasing along the list. */
  version: number;
  /** Short label stored with the version; a different name for an applied version is refused. */
  name: string;
  /**
   * SQL run in one transaction, may hold several statements. `search_path` is the owner's schema
   * then public, so unqualified names land in the owner's schema.
   */
  up: string;
}

export interface RunMigrationsOptions {
  /** Schema that owns the tables and the ledger: shield, api, docstore, aria, events. */
  owner: string;
  /** Every migration of that owner, oldest first. */
  migrations: readonly Migration[];
  /** Hears one line per applied migration and while waiting for another replica; default: silent. */
  logger?: { info(obj: object, msg: string): void };
}

export type MigrationErrorCode = "MIGRATION_INVALID" | "MIGRATION_UNKNOWN" | "MIGRATION_CONFLICT" | "MIGRATION_OUT_OF_ORDER";

/** The migration list, or the database's ledger, does not allow running this code's migrations. */
export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

interface Applied {
  version: number;
  name: string;
}

type InTransaction = <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>;

const OWNER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates schema `owner` and its `schema_migrations` ledger, then applies the pending migrations in
 * order, each in its own transaction, under a session advisory lock keyed by the owner, so replicas
 * starting together apply each migration exactly once. Returns the versions this call applied.
 */
export async function runMigrations(db: Database, opts: RunMigrationsOptions): Promise<{ applied: number[] }> {
  const { owner, migrations, logger } = opts;
  checkList(owner, migrations);
  const schema = `"${owner}"`;
  return withOwnerLock(db, owner, logger, async (inTransaction) => {
    await inTransaction((tx) => ensureLedger(tx, owner));
    const ledger = await inTransaction((tx) => tx.query<Applied>(`select version, name from ${schema}.schema_migrations order by version`));
    const applied: number[] = [];
    for (const migration of pendingMigrations(owner, ledger.rows, migrations)) {
      const started = Date.now();
      if (!(await inTransaction((tx) => applyOne(tx, schema, owner, migration)))) continue;
      applied.push(migration.version);
      const { version, name } = migration;
      logger?.info({ owner, version, name, durationMs: Date.now() - started }, "applied migration");
    }
    return { applied };
  });
}

/** The advisory-lock key of `owner`'s migrations: FNV-1a 64 of "materi:migrations:<owner>", signed. */
export function migrationLockKey(owner: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(`materi:migrations:${owner}`, "utf8")) {
    hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return BigInt.asIntN(64, hash).toString();
}

function checkList(owner: string, migrations: readonly Migration[]): void {
  if (!OWNER_PATTERN.test(owner)) {
    throw new MigrationError("MIGRATION_INVALID", `Migration owner "${owner}" is not a plain lower-case schema name`);
  }
  let previous = 0;
  for (const { version, name, up } of migrations) {
    if (!Number.isSafeInteger(version) || version <= previous) {
      throw new MigrationError(
        "MIGRATION_INVALID",
        `${owner} migrations: version ${version} follows ${previous}; versions must be positive integers, strictly increasing`,
      );
    }
    if (name.trim() === "" || up.trim() === "") {
      throw new MigrationError("MIGRATION_INVALID", `${owner} migration ${version} needs a name and SQL`);
    }
    previous = version;
  }
}

// On real PostgreSQL: a dedicated connection holds the session lock and runs every migration, so a
// pool of size 1 cannot deadlock waiting for a second connection. On embedded PGlite the lock would
// exclude nothing (one session, re-entrant locks; see embedded.ts) and a raw pooled client would
// bypass the gate that serializes statements there: use the Database's transactions instead. There
// the gate serializes them and applyOne re-checks the ledger inside its transaction, which keeps
// each migration exactly-once even for two concurrent callers in the same process.
async function withOwnerLock<T>(
  db: Database,
  owner: string,
  logger: RunMigrationsOptions["logger"],
  body: (inTransaction: InTransaction) => Promise<T>,
): Promise<T> {
  if (db.embedded) return body((fn) => db.transaction(fn));
  const key = migrationLockKey(owner);
  const client = await db.pool.connect();
  let broken: Error | undefined;
  const onBroken = (err: Error): void => {
    broken = err;
  };
  try {
    await lock(client, key, owner, logger);
    try {
      return await body((fn) => runInTransaction(client, fn, (call) => call(), onBroken));
    } finally {
      await client.query("select pg_advisory_unlock($1::bigint)", [key]).catch(onBroken);
    }
  } catch (err) {
    broken ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    // After any failure the connection is discarded rather than pooled: its session state is unknown,
    // and ending the session releases the advisory lock server-side even if the unlock failed.
    client.release(broken);
  }
}

async function lock(client: pg.PoolClient, key: string, owner: string, logger: RunMigrationsOptions["logger"]): Promise<void> {
  const { rows } = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1::bigint) as ok", [key]);
  if (rows[0]?.ok === true) return;
  logger?.info({ owner }, "waiting for another process to finish migrating");
  await client.query("select pg_advisory_lock($1::bigint)", [key]);
}

async function ensureLedger(tx: Queryable, owner: string): Promise<void> {
  // Look before creating: CREATE SCHEMA IF NOT EXISTS still needs CREATE on the database, which a
  // production role that was handed an existing schema may lack.
  const found = await tx.query("select 1 from pg_namespace where nspname = $1", [owner]);
  if (found.rowCount === 0) await tx.query(`create schema "${owner}"`);
  await tx.query(
    `create table if not exists "${owner}".schema_migrations (
       version integer primary key,
       name text not null,
       applied_at timestamptz not null default now()
     )`,
  );
}

function pendingMigrations(owner: string, ledger: readonly Applied[], migrations: readonly Migration[]): Migration[] {
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of ledger) {
    const mine = known.get(row.version);
    if (mine === undefined) {
      throw new MigrationError(
        "MIGRATION_UNKNOWN",
        `The database has ${owner} migration ${row.version} "${row.name}", which this code does not know: ` +
          "it was applied by a newer or different build. Refusing to run against a schema this code does not understand.",
      );
    }
    if (mine.name !== row.name) {
      throw new MigrationError(
        "MIGRATION_CONFLICT",
        `${owner} migration ${row.version} is "${mine.name}" in this code but was applied as "${row.name}": ` +
          "a shipped migration was renumbered or replaced.",
      );
    }
  }
  const newest = ledger.at(-1)?.version ?? 0;
  const appliedVersions = new Set(ledger.map((row) => row.version));
  const pending = migrations.filter((m) => !appliedVersions.has(m.version));
  const stray = pending.find((m) => m.version < newest);
  if (stray !== undefined) {
    throw new MigrationError(
      "MIGRATION_OUT_OF_ORDER",
      `${owner} migration ${stray.version} "${stray.name}" is pending but ${newest} is already applied; ` +
        "give it a version above the newest applied one.",
    );
  }
  return pending;
}

/** Applies `migration` and records it; false when another caller recorded it first. */
async function applyOne(tx: Queryable, schema: string, owner: string, migration: Migration): Promise<boolean> {
  const { version, name, up } = migration;
  const seen = await tx.query(`select 1 from ${schema}.schema_migrations where version = $1`, [version]);
  if (seen.rowCount > 0) return false;
  await tx.query(`set local search_path to ${schema}, public`);
  try {
    await tx.query(up);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${owner} migration ${version} "${name}" failed: ${reason}`, { cause: err });
  }
  await tx.query(`insert into ${schema}.schema_migrations (version, name) values ($1, $2)`, [version, name]);
  return true;
}
