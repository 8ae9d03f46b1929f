import { randomBytes } from "node:crypto";
import pg from "pg";

// Integration tests run against a real PostgreSQL and never skip when it is missing: a skipped
// suite reads as a passing one. The error says how to start it instead.

/** Superuser URL used to create and drop test databases; TEST_DATABASE_ADMIN_URL overrides it. */
export const ADMIN_URL = process.env["TEST_DATABASE_ADMIN_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";

const START_HINT = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";
const CONNECT_TIMEOUT_MS = 5_000;
// PostgreSQL truncates identifiers at 63 bytes; keep the whole name, random part included, below it.
const MAX_PREFIX_LENGTH = 30;

export interface TestDatabase {
  /** postgres:// URL of the fresh, empty database. */
  url: string;
  /** Drops the database, terminating any connection still open on it; idempotent. */
  drop(): Promise<void>;
}

/**
 * Resolves with the admin URL once PostgreSQL answers; rejects with an Error that says how to start
 * it when it does not.
 */
export async function requirePostgres(): Promise<string> {
  await withAdmin(async () => undefined);
  return ADMIN_URL;
}

/** Creates `materi_test_<prefix>_<random>` on the real PostgreSQL, for one test file or suite. */
export async function createTestDatabase(prefix = "db"): Promise<TestDatabase> {
  const name = `materi_test_${sanitize(prefix)}_${randomBytes(5).toString("hex")}`;
  await withAdmin((admin) => admin.query(`create database "${name}"`));
  let dropped: Promise<void> | undefined;
  return {
    url: urlFor(name),
    drop: () => {
      // WITH (FORCE) (PostgreSQL 13+) terminates the connections still open on it, e.g. a pool a
      // failed test never closed, instead of failing with "is being accessed by other users".
      dropped ??= withAdmin((admin) => admin.query(`drop database if exists "${name}" with (force)`)).then(() => undefined);
      return dropped;
    },
  };
}

async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An 'error' after connect (server shutting down) would otherwise crash the test process.
  admin.on("error", () => undefined);
  try {
    await admin.connect();
  } catch (err) {
    throw unreachable(err);
  }
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

function unreachable(cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(
    `PostgreSQL is not reachable at ${redact(ADMIN_URL)} (${reason}). These tests need a real PostgreSQL: ` +
      `start it with \`${START_HINT}\`, or point TEST_DATABASE_ADMIN_URL at a superuser URL.`,
    { cause },
  );
}

function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

function sanitize(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, "_").slice(0, MAX_PREFIX_LENGTH);
  return clean === "" ? "db" : clean;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString();
}
