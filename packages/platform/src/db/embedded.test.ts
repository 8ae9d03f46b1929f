import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DataDirLockedError, LOCK_FILE_NAME } from "./dataDirLock.js";
import { createDatabase, type Database } from "./database.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded.js";
import { runMigrations, type Migration } from "./migrate.js";

const POOL_SIZE = 5;
const MIGRATIONS: Migration[] = [
  { version: 1, name: "notes", up: "create table notes (id int primary key, body text not null)" },
  { version: 2, name: "counter", up: "create table counter (n int not null); insert into counter values (0)" },
];

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "materi-embedded-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function connect(server: EmbeddedPostgres): Database {
  return createDatabase({ url: server.url, embedded: true, poolSize: POOL_SIZE });
}

describe("startEmbeddedPostgres: data directory", () => {
  it("keeps data across a restart on the same directory", async () => {
    const dataDir = tempDir();
    const first = await startEmbeddedPostgres({ dataDir, maxConnections: POOL_SIZE });
    expect(first.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const db = connect(first);
    await expect(runMigrations(db, { owner: "api", migrations: MIGRATIONS })).resolves.toEqual({ applied: [1, 2] });
    await db.query("insert into api.notes values ($1, $2)", [1, "survives"]);
    await db.close();
    await first.close();
    await first.close(); // idempotent

    const second = await startEmbeddedPostgres({ dataDir, maxConnections: POOL_SIZE });
    const again = connect(second);
    try {
      await expect(runMigrations(again, { owner: "api", migrations: MIGRATIONS })).resolves.toEqual({ applied: [] });
      expect((await again.query("select body from api.notes")).rows).toEqual([{ body: "survives" }]);
    } finally {
      await again.close();
      await second.close();
    }
  });

  it("refuses a second start on a directory that is open, naming it", async () => {
    const dataDir = tempDir();
    const first = await startEmbeddedPostgres({ dataDir, maxConnections: 1 });
    try {
      const attempt = startEmbeddedPostgres({ dataDir, maxConnections: 1 });
      await expect(attempt).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(attempt).rejects.toThrow(dataDir);
      expect(readFileSync(path.join(dataDir, LOCK_FILE_NAME), "utf8").trim()).toBe(String(process.pid));
    } finally {
      await first.close();
    }
  });

  it("refuses a directory locked by another live process, and takes it over once that process is gone", async () => {
    const dataDir = tempDir();
    const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    writeFileSync(path.join(dataDir, LOCK_FILE_NAME), `${other.pid}\n`);
    await expect(startEmbeddedPostgres({ dataDir, maxConnections: 1 })).rejects.toMatchObject({
      code: "MATERI_DATA_DIR_LOCKED",
      pid: other.pid,
    });
    other.kill();
    await once(other, "exit");
    const server = await startEmbeddedPostgres({ dataDir, maxConnections: 1 });
    expect(readFileSync(path.join(dataDir, LOCK_FILE_NAME), "utf8").trim()).toBe(String(process.pid));
    await server.close();
  });

  it("takes over a lock naming its own pid that it does not hold (a restarted container's pid 1)", async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, LOCK_FILE_NAME), `${process.pid}\n`);
    const server = await startEmbeddedPostgres({ dataDir, maxConnections: 1 });
    await server.close();
  });
});

describe("createDatabase on embedded PGlite", () => {
  let server: EmbeddedPostgres;
  let db: Database;

  beforeAll(async () => {
    // Two pools share the server below, as the services of the all-in-one launcher do.
    server = await startEmbeddedPostgres({ dataDir: tempDir(), maxConnections: 2 * POOL_SIZE });
    db = connect(server);
    await runMigrations(db, { owner: "api", migrations: MIGRATIONS });
  });
  afterAll(async () => {
    await db?.close();
    await server?.close();
  });
  afterEach(async () => {
    await db.query("update api.counter set n = 0");
  });

  it("runs 20 concurrent read-modify-write transactions without losing one", async () => {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>("select n from api.counter");
          await new Promise((resolve) => setTimeout(resolve, 2)); // let the others try to interleave
          await tx.query("update api.counter set n = $1", [(rows[0]?.n ?? 0) + 1]);
        }),
      ),
    );
    expect((await db.query("select n from api.counter")).rows).toEqual([{ n: 20 }]);
  });

  it("answers concurrent queries from two pools with their own statements, large parameters included", async () => {
    // Raw pglite-socket interleaves a message larger than one socket read with other connections'
    // statements (see embedded.ts); distinct SQL per query shows whether each ran its own statement.
    const other = connect(server);
    const big = "x".repeat(1_000_000);
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const sql = `select $1::int as k${i}, length($2::text) as len`;
          const { rows } = await (i % 2 === 0 ? db : other).query(sql, [i, i % 4 === 0 ? big : "small"]);
          return rows[0]?.[`k${i}`];
        }),
      );
      expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await other.close();
    }
  });

  it("rolls back a failed transaction and keeps serving", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("update api.counter set n = 99");
        await tx.query("select 1/0");
      }),
    ).rejects.toThrow(/division by zero/);
    const [after, ping] = await Promise.all([db.query("select n from api.counter"), db.ping()]);
    expect(after.rows).toEqual([{ n: 0 }]);
    expect(ping).toBeUndefined();
  });

  it("refuses, instead of deadlocking, a Database query the transaction itself awaits", async () => {
    const quick = createDatabase({ url: server.url, embedded: true, poolSize: 1, deadlockAfterMs: 200 });
    try {
      await expect(
        quick.transaction(async (tx) => {
          await tx.query("update api.counter set n = 5");
          await quick.query("select 1");
        }),
      ).rejects.toThrow(/waited 200 ms for that same transaction.*on the `tx`/);
      await expect(quick.transaction(() => quick.transaction(async () => undefined))).rejects.toThrow(/never would/);
      // The deadlocked transaction was rolled back and the gate moved on.
      expect((await db.query("select n from api.counter")).rows).toEqual([{ n: 0 }]);
    } finally {
      await quick.close();
    }
  });

  it("runs a query that a transaction started in the background once that transaction ends", async () => {
    const order: string[] = [];
    let background: Promise<unknown> = Promise.resolve();
    await db.transaction(async (tx) => {
      background = db.query("select n from api.counter").then((r) => order.push(`background saw ${r.rows[0]?.["n"]}`));
      await tx.query("update api.counter set n = 1");
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push("commit");
    });
    await background;
    expect(order).toEqual(["commit", "background saw 1"]);
  });

  it("applies each migration once when two callers migrate the same owner together", async () => {
    const seed: Migration[] = [{ version: 1, name: "seed", up: "create table seeded (n int); insert into seeded values (1)" }];
    const other = connect(server);
    try {
      const results = await Promise.all([db, other].map((d) => runMigrations(d, { owner: "aria", migrations: seed })));
      expect(results.flatMap((r) => r.applied)).toEqual([1]);
      expect((await db.query("select n from aria.seeded")).rows).toEqual([{ n: 1 }]);
    } finally {
      await other.close();
    }
  });
});
