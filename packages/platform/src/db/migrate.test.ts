import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/helpers/postgres.js";
import { createDatabase, type Database } from "./database.js";
import { MigrationError, migrationLockKey, runMigrations, type Migration } from "./migrate.js";

const MIGRATIONS: Migration[] = [
  { version: 1, name: "widgets", up: "create table widgets (id int primary key); create table seeded (n int)" },
  // Sleeps so that concurrent runners really overlap while the lock is held.
  { version: 2, name: "seed", up: "select pg_sleep(0.2); insert into seeded values (1)" },
  { version: 3, name: "widget label", up: "alter table widgets add column label text" },
];

let testDb: TestDatabase;
const opened: Database[] = [];

function open(poolSize = 2): Database {
  const db = createDatabase({ url: testDb.url, poolSize });
  opened.push(db);
  return db;
}

beforeAll(async () => {
  testDb = await createTestDatabase("migrate");
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

afterAll(async () => {
  await testDb?.drop();
});

describe("runMigrations on PostgreSQL", () => {
  it("applies each migration exactly once when six replicas start together", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => runMigrations(open(), { owner: "shield", migrations: MIGRATIONS })),
    );
    expect(results.flatMap((r) => r.applied).sort()).toEqual([1, 2, 3]);
    const db = open();
    const ledger = await db.query("select version, name from shield.schema_migrations order by version");
    expect(ledger.rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    expect((await db.query("select n from shield.seeded")).rows).toEqual([{ n: 1 }]);
    // Unqualified names landed in the owner's schema, not in public.
    expect((await db.query("select 1 from pg_tables where tablename = 'widgets' and schemaname = 'public'")).rowCount).toBe(0);
    // The session lock went with the runners.
    const locks = await db.query("select 1 from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())");
    expect(locks.rowCount).toBe(0);
  });

  it("applies only what is new on the next start", async () => {
    const next = [...MIGRATIONS, { version: 4, name: "gadgets", up: "create table gadgets (id int)" }];
    await expect(runMigrations(open(), { owner: "shield", migrations: MIGRATIONS })).resolves.toEqual({ applied: [] });
    const logged: object[] = [];
    const logger = { info: (obj: object) => logged.push(obj) };
    await expect(runMigrations(open(), { owner: "shield", migrations: next, logger })).resolves.toEqual({ applied: [4] });
    expect(logged).toEqual([expect.objectContaining({ owner: "shield", version: 4, name: "gadgets" })]);
  });

  it("keeps owners apart: same versions, separate schemas and lock keys", async () => {
    await runMigrations(open(), { owner: "aria", migrations: MIGRATIONS.slice(0, 1) });
    const { rows } = await open().query("select version from aria.schema_migrations");
    expect(rows).toEqual([{ version: 1 }]);
    expect(migrationLockKey("aria")).not.toBe(migrationLockKey("shield"));
    expect(migrationLockKey("aria")).toBe(migrationLockKey("aria"));
  });

  it("refuses an applied version this code does not know", async () => {
    const db = open();
    await runMigrations(db, { owner: "api", migrations: MIGRATIONS.slice(0, 1) });
    await db.query("insert into api.schema_migrations (version, name) values (9, 'from a newer build')");
    await expect(runMigrations(db, { owner: "api", migrations: MIGRATIONS.slice(0, 1) })).rejects.toMatchObject({
      code: "MIGRATION_UNKNOWN",
      message: expect.stringMatching(/api migration 9 "from a newer build"/),
    });
  });

  it("refuses an applied version recorded under another name", async () => {
    const db = open();
    await runMigrations(db, { owner: "events", migrations: MIGRATIONS.slice(0, 1) });
    const renamed = [{ ...MIGRATIONS[0]!, name: "something else" }];
    const attempt = runMigrations(db, { owner: "events", migrations: renamed });
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toMatchObject({ code: "MIGRATION_CONFLICT" });
  });

  it("refuses a pending migration older than the newest applied one", async () => {
    const db = open();
    await runMigrations(db, { owner: "late", migrations: [MIGRATIONS[0]!, { version: 5, name: "five", up: "select 1" }] });
    const withGap = [MIGRATIONS[0]!, { version: 3, name: "three", up: "select 1" }, { version: 5, name: "five", up: "select 1" }];
    await expect(runMigrations(db, { owner: "late", migrations: withGap })).rejects.toMatchObject({ code: "MIGRATION_OUT_OF_ORDER" });
  });

  it("refuses versions that are not strictly increasing, before touching the database", async () => {
    const db = open();
    const unordered = [MIGRATIONS[1]!, MIGRATIONS[0]!];
    await expect(runMigrations(db, { owner: "docstore", migrations: unordered })).rejects.toMatchObject({ code: "MIGRATION_INVALID" });
    await expect(runMigrations(db, { owner: "Bad-Name", migrations: [] })).rejects.toMatchObject({ code: "MIGRATION_INVALID" });
    expect((await db.query("select 1 from pg_namespace where nspname = 'docstore'")).rowCount).toBe(0);
  });

  it("rolls back a failing migration, keeps the earlier ones and frees the lock", async () => {
    const db = open(1);
    const failing = [MIGRATIONS[0]!, { version: 2, name: "broken", up: "create table half (id int); select 1/0" }];
    await expect(runMigrations(db, { owner: "broken", migrations: failing })).rejects.toThrow(
      /broken migration 2 "broken" failed: division by zero/,
    );
    expect((await db.query("select version from broken.schema_migrations")).rows).toEqual([{ version: 1 }]);
    expect((await db.query("select 1 from pg_tables where tablename = 'half'")).rowCount).toBe(0);
    const fixed = [MIGRATIONS[0]!, { version: 2, name: "broken", up: "create table half (id int)" }];
    await expect(runMigrations(db, { owner: "broken", migrations: fixed })).resolves.toEqual({ applied: [2] });
  });
});
