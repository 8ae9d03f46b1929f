import pg from "pg";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { createBreaker } from "./createBreaker.js";
import { BreakerOpenError } from "./errors.js";
import { guardPool, isDatabaseConnectionFailure } from "./guardPool.js";
import { BREAKER_SETTINGS } from "./settings.js";

const REAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres";

function poolFor(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({ connectionTimeoutMillis: 2_000, ...config });
  onTestFinished(() => pool.end());
  return pool;
}

function databaseBreaker() {
  let now = 0;
  const breaker = createBreaker({ name: "database", settings: BREAKER_SETTINGS.database, clock: { now: () => now } });
  return { breaker, advance: (ms: number) => (now += ms) };
}

describe("guardPool (database breaker: 2 failures / 5 s, 15 s recovery, 1 probe)", () => {
  it("opens after 2 refused connections inside 5 s, then fails fast without dialling", async () => {
    const pool = poolFor({ host: "127.0.0.1", port: 1, user: "postgres", database: "postgres" });
    const connect = vi.spyOn(pool, "connect");
    const { breaker, advance } = databaseBreaker();
    const db = guardPool(pool, breaker);

    await expect(db.query("select 1")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    advance(4_000);
    await expect(db.connect()).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(breaker.state).toBe("open");

    const dialled = connect.mock.calls.length;
    const started = performance.now();
    await expect(db.query("select 1")).rejects.toBeInstanceOf(BreakerOpenError);
    await expect(db.connect()).rejects.toMatchObject({ breaker: "database", retryAfterMs: 15_000 });
    expect(performance.now() - started).toBeLessThan(50);
    expect(connect.mock.calls.length).toBe(dialled);
  });

  it("stays closed when the 2 connection failures are more than 5 s apart", async () => {
    const pool = poolFor({ host: "127.0.0.1", port: 1, user: "postgres", database: "postgres" });
    const { breaker, advance } = databaseBreaker();
    const db = guardPool(pool, breaker);
    await expect(db.query("select 1")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    advance(5_001);
    await expect(db.query("select 1")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(breaker.state).toBe("closed");
  });

  it("does not open on SQL errors from a live server (select 1/0)", async () => {
    const { breaker } = databaseBreaker();
    const db = guardPool(poolFor({ connectionString: REAL_POSTGRES }), breaker);

    for (let i = 0; i < 3; i++) {
      await expect(db.query("select 1/0")).rejects.toMatchObject({ code: "22012" });
    }
    await expect(db.query("select * from no_such_table_here")).rejects.toMatchObject({ code: "42P01" });
    expect(breaker.state).toBe("closed");

    const client = await db.connect();
    try {
      await expect(client.query("select 1/0")).rejects.toMatchObject({ code: "22012" });
      await expect(client.query("select 1/0")).rejects.toMatchObject({ code: "22012" });
      await expect(client.query<{ one: number }>("select 1 as one")).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      client.release();
    }
    expect(breaker.state).toBe("closed");
  });

  it("keeps the callback forms working", async () => {
    const { breaker } = databaseBreaker();
    const db = guardPool(poolFor({ connectionString: REAL_POSTGRES }), breaker);
    const rows = await new Promise((resolve, reject) =>
      db.query("select 2 as two", (err, res) => (err ? reject(err) : resolve(res.rows))),
    );
    expect(rows).toEqual([{ two: 2 }]);
  });
});

describe("isDatabaseConnectionFailure", () => {
  const sqlError = (code: string) => Object.assign(new Error(code), { code, severity: "ERROR" });

  it.each([
    [sqlError("23505"), false],
    [sqlError("42P01"), false],
    [sqlError("57014"), false], // statement_timeout: the server answered
    [sqlError("57P01"), true],
    [sqlError("08006"), true],
    [Object.assign(new Error("refused"), { code: "ECONNREFUSED" }), true],
    [Object.assign(new Error("pipe"), { code: "EPIPE" }), true],
    [new Error("timeout exceeded when trying to connect"), true],
  ])("%s -> %s", (err, counts) => {
    expect(isDatabaseConnectionFailure(err)).toBe(counts);
  });
});
