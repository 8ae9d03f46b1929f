import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/helpers/postgres.js";
import { createDatabase, type Database } from "./database.js";

const exporter = new InMemorySpanExporter();
let testDb: TestDatabase;
let db: Database;
let guardCalls = 0;

beforeAll(async () => {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  testDb = await createTestDatabase("database");
  db = createDatabase({
    url: testDb.url,
    poolSize: 4,
    applicationName: "materi-db-test",
    guard: (fn) => {
      guardCalls += 1;
      return fn();
    },
  });
  await db.query("create table items (id int primary key, label text not null)");
});

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
  trace.disable();
  context.disable();
});

afterEach(async () => {
  await db.query("truncate items");
  exporter.reset();
});

const querySpans = () => exporter.getFinishedSpans().filter((s) => s.name === "Database Query");

describe("createDatabase on PostgreSQL", () => {
  it("runs parameterised queries and reports rows and rowCount", async () => {
    const inserted = await db.query("insert into items (id, label) values ($1, $2), ($3, $4)", [1, "a", 2, "b"]);
    expect(inserted.rowCount).toBe(2);
    const { rows, rowCount } = await db.query<{ id: number; label: string }>("select id, label from items order by id");
    expect(rows).toEqual([
      { id: 1, label: "a" },
      { id: 2, label: "b" },
    ]);
    expect(rowCount).toBe(2);
  });

  it("commits a transaction on one connection", async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query("insert into items values (1, 'one')");
      const pid1 = await tx.query<{ pid: number }>("select pg_backend_pid() as pid");
      const pid2 = await tx.query<{ pid: number }>("select pg_backend_pid() as pid");
      expect(pid1.rows[0]?.pid).toBe(pid2.rows[0]?.pid);
      return "done";
    });
    expect(result).toBe("done");
    expect((await db.query("select * from items")).rowCount).toBe(1);
  });

  it("rolls back when the callback throws, and rethrows its error", async () => {
    const boom = new Error("boom");
    await expect(
      db.transaction(async (tx) => {
        await tx.query("insert into items values (1, 'one')");
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect((await db.query("select * from items")).rowCount).toBe(0);
  });

  it("rolls back when a statement fails, and leaves the connection usable", async () => {
    await db.query("insert into items values (1, 'one')");
    await expect(
      db.transaction(async (tx) => {
        await tx.query("insert into items values (2, 'two')");
        await tx.query("insert into items values (1, 'duplicate')");
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect((await db.query("select id from items")).rows).toEqual([{ id: 1 }]);
    // Every pooled connection still answers: none was returned mid-transaction.
    await Promise.all(Array.from({ length: 8 }, () => db.ping()));
  });

  it("refuses a tx used after its transaction ended", async () => {
    let leaked: { query(sql: string): Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked?.query("select 1")).rejects.toThrow(/after its transaction ended/);
  });

  it("records a Database Query span with table and operation, through the guard", async () => {
    const before = guardCalls;
    await db.query("insert into items (id, label) values ($1, $2)", [7, "seven"]);
    expect(guardCalls).toBe(before + 1);
    const [span] = querySpans();
    expect(span?.attributes).toEqual({ table: "items", operation: "INSERT" });
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.instrumentationScope.name).toBe("materi");
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("nests query spans under the active span, and records failures on them", async () => {
    const tracer = trace.getTracer("test");
    await tracer.startActiveSpan("parent", async (parent) => {
      await expect(db.query("select * from missing_table")).rejects.toMatchObject({ code: "42P01" });
      parent.end();
    });
    const [span] = querySpans();
    const parent = exporter.getFinishedSpans().find((s) => s.name === "parent");
    expect(span?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(span?.attributes).toEqual({ table: "missing_table", operation: "SELECT" });
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((e) => e.name)).toContain("exception");
  });

  it("traces each statement of a transaction, BEGIN and COMMIT included", async () => {
    await db.transaction((tx) => tx.query("update items set label = 'x' where id = $1", [1]));
    expect(querySpans().map((s) => s.attributes["operation"])).toEqual(["BEGIN", "UPDATE", "COMMIT"]);
  });

  it("lets the guard refuse a query without touching the database", async () => {
    const refusing = createDatabase({ url: testDb.url, guard: () => Promise.reject(new Error("breaker open")) });
    try {
      await expect(refusing.query("select 1")).rejects.toThrow("breaker open");
      await expect(refusing.ping()).rejects.toThrow("breaker open");
      expect(refusing.pool.totalCount).toBe(0);
    } finally {
      await refusing.close();
    }
  });

  it("returns the last result of a multi-statement query and closes idempotently", async () => {
    const other = createDatabase({ url: testDb.url, poolSize: 1 });
    const { rows } = await other.query<{ n: number }>("select 1 as n; select 2 as n");
    expect(rows).toEqual([{ n: 2 }]);
    await Promise.all([other.close(), other.close()]);
  });
});
