import { createDatabase, runWithContext, type Database } from "@materi/platform";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { documentUpdated, openEventTables, type EventTablesDatabase } from "../bus/test-support/busFixtures.js";
import { catalogDecoders, decodeEnvelope } from "../envelope/index.js";
import { streamName } from "../streams.js";
import { createRedisTransport, type RedisTransport } from "../transports/redis.js";
import { recordingLogger, requireTestRedis, uniquePrefix, waitFor } from "../transports/test-support/testTransports.js";
import { enqueueEvent } from "./enqueueEvent.js";
import { partitionOf } from "./partitions.js";
import { startOutboxDispatcher, type OutboxDispatcher } from "./startOutboxDispatcher.js";
import { checkPerAggregateOrder, commitChanges, readChanges } from "./test-support/outboxFixtures.js";

describe("the transactional outbox on PostgreSQL and Redis", () => {
  let tables: EventTablesDatabase;
  let transport: RedisTransport;
  let prefix: string;
  const dispatchers: OutboxDispatcher[] = [];
  const pools: Database[] = [];

  beforeAll(async () => {
    tables = await openEventTables("outbox", "api", "create table api.documents (id text primary key, title text not null)");
    transport = createRedisTransport({ url: await requireTestRedis(), connectionName: "outbox-test" });
  });

  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
    await Promise.all(pools.splice(0).map((p) => p.close()));
    await transport.deleteStream(streamName("documents", prefix));
    await tables.db.query("delete from api.outbox");
  });

  afterAll(async () => {
    await transport.close();
    await tables.close();
  });

  const dispatcher = (db: Database, extra: { pollMs?: number; rebalanceMs?: number } = {}): OutboxDispatcher => {
    const d = startOutboxDispatcher({ db, schema: "api", transport, logger: recordingLogger(), ...extra });
    dispatchers.push(d);
    return d;
  };

  /** Another service replica: its own pool on the same database. */
  const replicaPool = (): Database => {
    const db = createDatabase({ url: tables.url, poolSize: 4 });
    pools.push(db);
    return db;
  };

  it("writes the row in the caller's transaction, with the envelope of the request", async () => {
    prefix = uniquePrefix("outbox-tx");
    const enqueue = (title: string) =>
      tables.db.transaction(async (tx) => {
        await tx.query("insert into api.documents (id, title) values ($1, $2)", [title, title]);
        const enqueued = await enqueueEvent(tx, { schema: "api", streamPrefix: prefix, aggregateId: "doc-1", eventType: "document.updated", payload: documentUpdated("doc-1", 1) });
        if (title === "rolled back") throw new Error("the request failed");
        return enqueued;
      });
    await expect(enqueue("rolled back")).rejects.toThrow("the request failed");
    expect((await tables.db.query("select 1 from api.outbox")).rowCount).toBe(0);

    const enqueued = await runWithContext({ correlationId: "req-outbox" }, () => enqueue("committed"));
    const { rows } = await tables.db.query<{ partition: number; stream: string; event_type: string; event_id: string; envelope: Buffer; aggregate_id: string }>(
      "select partition, stream, event_type, event_id, envelope, aggregate_id from api.outbox",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ partition: partitionOf("doc-1"), stream: streamName("documents", prefix), event_type: "document.updated", aggregate_id: "doc-1", event_id: enqueued.eventId });
    const { envelope } = await decodeEnvelope(rows[0]!.envelope, catalogDecoders);
    expect(envelope).toMatchObject({ eventId: enqueued.eventId, correlationId: "req-outbox", sourceService: "api" });
  });

  it("writes the row in the statement of a change alongside, only when the change returned a row", async () => {
    prefix = uniquePrefix("outbox-alongside");
    await tables.db.query("insert into api.documents (id, title) values ('doc-a', 'old')");
    const rename = (from: string, to: string) =>
      enqueueEvent(tables.db, {
        schema: "api",
        streamPrefix: prefix,
        aggregateId: "doc-a",
        eventType: "document.updated",
        payload: documentUpdated("doc-a", 1),
        alongside: { sql: "update api.documents set title = $2 where id = 'doc-a' and title = $1 returning id, title", params: [from, to] },
      });
    const missed = await rename("not the title", "new");
    expect(missed.changed).toEqual([]);
    expect((await tables.db.query("select 1 from api.outbox")).rowCount).toBe(0);

    const done = await rename("old", "new");
    expect(done.changed).toEqual([{ id: "doc-a", title: "new" }]);
    const { rows } = await tables.db.query<{ event_id: string; partition: number; aggregate_id: string }>("select event_id, partition, aggregate_id from api.outbox");
    expect(rows).toEqual([{ event_id: done.eventId, partition: partitionOf("doc-a"), aggregate_id: "doc-a" }]);
  });

  it("is woken by NOTIFY at commit, appends in order and deletes what Redis acknowledged", async () => {
    prefix = uniquePrefix("outbox-notify");
    // A minute between polls: only the trigger's notification can explain a prompt delivery.
    const d = dispatcher(tables.db, { pollMs: 60_000 });
    await waitFor(() => d.partitions().length === 16, "the dispatcher holds every partition");
    await new Promise((r) => setTimeout(r, 100)); // let its first (empty) round end and the loop wait
    const started = Date.now();
    const ids = await commitChanges(tables.db, { schema: "api", prefix, aggregates: 5, perAggregate: 10 });
    await waitFor(async () => (await transport.length(streamName("documents", prefix))) >= 50, "every change appended", 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    const { problems, duplicates } = checkPerAggregateOrder(await readChanges(transport, streamName("documents", prefix)), ids);
    expect(problems).toEqual([]);
    expect(duplicates).toBe(0);
    await waitFor(async () => (await tables.db.query("select 1 from api.outbox")).rowCount === 0, "the outbox emptied");
  });

  it("splits partitions between two replicas that keep each aggregate's order, and hands them over when one stops", async () => {
    prefix = uniquePrefix("outbox-replicas");
    const a = dispatcher(replicaPool(), { rebalanceMs: 200 });
    const b = dispatcher(replicaPool(), { rebalanceMs: 200 });
    const split = () => a.partitions().length === 8 && b.partitions().length === 8 && new Set([...a.partitions(), ...b.partitions()]).size === 16;
    await waitFor(split, "8 partitions each, none shared");

    const ids = await commitChanges(tables.db, { schema: "api", prefix, aggregates: 20, perAggregate: 20, concurrency: 8 });
    await waitFor(async () => (await transport.length(streamName("documents", prefix))) >= ids.length, "every change appended", 15_000);
    expect(a.published()).toBeGreaterThan(0);
    expect(b.published()).toBeGreaterThan(0);

    await a.stop();
    await waitFor(() => b.partitions().length === 16, "the survivor takes every partition", 5_000);
    const more = await commitChanges(tables.db, { schema: "api", prefix, aggregates: 20, perAggregate: 1 });
    // The new changes are seq 1 of a fresh run: check them apart from the first run.
    await waitFor(async () => (await transport.length(streamName("documents", prefix))) >= ids.length + more.length, "the later changes appended", 5_000);
    const seen = await readChanges(transport, streamName("documents", prefix));
    const firstRun = new Set(ids);
    // Each run numbers its changes from 1: check their order apart; together they cover every entry.
    expect(checkPerAggregateOrder(seen.filter((c) => firstRun.has(c.eventId)), ids)).toEqual({ problems: [], duplicates: 0 });
    expect(checkPerAggregateOrder(seen.filter((c) => !firstRun.has(c.eventId)), more)).toEqual({ problems: [], duplicates: 0 });
  }, 60_000);
});
