import {
  createEventBus,
  createRedisTransport,
  enqueueEvent,
  startOutboxDispatcher,
  streamName,
  type OutboxDispatcher,
  type RedisTransport,
} from "@materi/events";
import { createDatabase, type Database } from "@materi/platform";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrivateRedis, type PrivateRedis } from "../../helpers/privateRedis.js";
import { uniquePrefix } from "../../helpers/redis.js";
import {
  checkDeliveries,
  documentUpdated,
  openOwnerDatabase,
  quietLogger,
  startCommitLoop,
  waitFor,
  type Delivery,
  type OwnerDatabase,
} from "./support/eventsE2e.js";

const AGGREGATES = 20;
const PER_AGGREGATE = 25;
const TOTAL = AGGREGATES * PER_AGGREGATE;

/**
 * Issue 4 "Done when": a PRIVATE redis-server (never the shared one) stopped while a service
 * commits changes through the outbox, then started: every event arrives, in order per aggregate,
 * none invented. Two dispatcher replicas run throughout. Redis is shut down with SAVE and comes
 * back with its data, as a production Redis with persistence does: entries it acknowledged before
 * going down are its responsibility; the outbox answers for everything committed meanwhile.
 */
describe("the outbox across a Redis outage", () => {
  let redis: PrivateRedis;
  let owner: OwnerDatabase;
  const replicas: Database[] = [];
  const transports: RedisTransport[] = [];
  const prefix = uniquePrefix("events-outage");

  beforeAll(async () => {
    redis = await startPrivateRedis();
    owner = await openOwnerDatabase("outbox_outage", "api", "create table api.documents (id text primary key, seq int not null)");
  });

  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await Promise.all(replicas.map((db) => db.close()));
    await redis.dispose();
    await owner.close();
  });

  const transport = (): RedisTransport => {
    const t = createRedisTransport({ url: redis.url, connectionName: "events-e2e-outage" });
    transports.push(t);
    return t;
  };

  const dispatcherReplica = (): OutboxDispatcher => {
    const db = createDatabase({ url: owner.url, poolSize: 3 });
    replicas.push(db);
    return startOutboxDispatcher({ db, schema: "api", transport: transport(), logger: quietLogger(), rebalanceMs: 300, retryDelayMs: 50, maxRetryDelayMs: 400 });
  };

  const enqueue = (documentId: string, seq: number): Promise<string> =>
    owner.db.transaction(async (tx) => {
      await tx.query("insert into api.documents (id, seq) values ($1, $2) on conflict (id) do update set seq = excluded.seq", [documentId, seq]);
      const { eventId } = await enqueueEvent(tx, { schema: "api", streamPrefix: prefix, aggregateId: documentId, eventType: "document.updated", payload: documentUpdated(documentId, seq) });
      return eventId;
    });

  const shutDownKeepingData = async (): Promise<void> => {
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    admin.on("error", () => undefined);
    // SHUTDOWN SAVE writes dump.rdb into the server's --dir, which the restart loads; the reply never comes.
    await admin.call("SHUTDOWN", "SAVE").catch(() => undefined);
    admin.disconnect();
    await redis.stop();
  };

  it("delivers every event committed while Redis was down, in order per aggregate", async () => {
    const dispatchers = [dispatcherReplica(), dispatcherReplica()];
    const deliveries: Delivery[] = [];
    const consumerBus = createEventBus({ service: "relay", transport: transport(), logger: quietLogger(), streamPrefix: prefix });
    consumerBus.subscribe({
      eventTypes: ["document.updated"],
      startId: "0",
      blockMs: 200,
      claimIdleMs: 1_000,
      retryDelayMs: 50,
      maxRetryDelayMs: 400,
      handler: async (event) => {
        const seq = Number(event.payload.content?.["seq"]);
        deliveries.push({ eventId: event.eventId, documentId: event.payload.documentId, seq });
      },
    });

    const loop = startCommitLoop({ aggregates: AGGREGATES, perAggregate: PER_AGGREGATE, concurrency: 4, pauseMs: 4 }, enqueue);
    await waitFor(() => loop.eventIds.length >= 100, "100 changes committed");
    await shutDownKeepingData();
    const committedAtStop = loop.eventIds.length;
    await waitFor(async () => (await owner.db.query("select 1 from api.outbox")).rowCount >= 50, "events waiting in the outbox", 20_000);
    await new Promise((r) => setTimeout(r, 1_000)); // a few failed rounds with backoff
    await redis.start();
    await loop.done;

    await waitFor(() => new Set(deliveries.map((d) => d.eventId)).size >= TOTAL, "every event delivered", 30_000);
    await waitFor(async () => (await owner.db.query("select 1 from api.outbox")).rowCount === 0, "the outbox drained");
    expect(loop.eventIds.length - committedAtStop).toBeGreaterThan(50);
    const { problems, duplicates } = checkDeliveries(deliveries, loop.eventIds);
    expect(problems).toEqual([]);
    // At least once: a round cut by the outage may be re-sent, never more than one round's worth.
    expect(duplicates).toBeLessThanOrEqual(2 * 16 * 100);
    console.info(JSON.stringify({ test: "outbox outage", delivered: deliveries.length, distinct: TOTAL, duplicates }));

    await consumerBus.close();
    await Promise.all(dispatchers.map((d) => d.stop()));
    await transports[0]!.deleteStream(streamName("documents", prefix));
  }, 90_000);
});
