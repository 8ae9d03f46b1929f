import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  catalogDecoders,
  createEventBus,
  createRedisTransport,
  decodeEnvelope,
  streamName,
  type EventBus,
  type RedisTransport,
} from "@materi/events";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireRedis, uniquePrefix } from "../../helpers/redis.js";
import { openOwnerDatabase, quietLogger, userCreated, waitFor, type OwnerDatabase } from "./support/eventsE2e.js";

const CHILD = fileURLToPath(new URL("./support/idempotentConsumerChild.ts", import.meta.url));
const EVENTS = 60;
const KILLS_AT = [5, 22, 39]; // effects committed before each SIGKILL: each lands inside a 10-entry batch

/**
 * Issue 4 "Done when": a consumer process killed with SIGKILL mid-batch, three times; another
 * consumer of its group finishes the work, and with processed_events written in the handler's
 * transaction every event has exactly one effect, although entries whose effect had committed
 * were redelivered (their XACK died with the process).
 */
describe("an idempotent consumer killed with SIGKILL mid-batch, three times", () => {
  let owner: OwnerDatabase;
  let url: string;
  let transport: RedisTransport;
  let raw: Redis;
  let prefix: string;
  let stream: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    url = await requireRedis();
    owner = await openOwnerDatabase("consumer_kill", "api", "create table api.effects (event_id uuid not null, user_id text not null)");
    transport = createRedisTransport({ url, connectionName: "events-e2e-kill" });
    raw = new Redis(url);
    prefix = uniquePrefix("events-kill");
    stream = streamName("users", prefix);
  });

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await raw.del(stream, streamName("dlq", prefix));
    raw.disconnect();
    await transport.close();
    await owner.close();
  });

  const spawnConsumer = (name: string): ChildProcess => {
    const env = { ...process.env, REDIS_URL: url, DATABASE_URL: owner.url, PREFIX: prefix, CONSUMER: name, DELAY_MS: "25", CLAIM_IDLE_MS: "1000" };
    const child = spawn(process.execPath, ["--import", "tsx", CHILD], { env, stdio: ["ignore", "ignore", "inherit"] });
    children.push(child);
    return child;
  };

  const killed = (child: ChildProcess): Promise<void> =>
    new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });

  const effectCount = async () => (await owner.db.query<{ n: number }>("select count(*)::int as n from api.effects")).rows[0]!.n;

  /** Pending entries whose effect already committed: each would be a second effect without processed_events. */
  const committedButUnacked = async (): Promise<number> => {
    const pending = (await raw.xpending(stream, "api", "-", "+", 1_000)) as Array<[string, string, number, number]>;
    let count = 0;
    for (const [id] of pending) {
      const [entry] = await transport.range(stream, { start: id, end: id });
      const eventId = await eventIdOf(entry?.fields["envelope"]);
      const found = await owner.db.query("select 1 from api.processed_events where consumer_group = 'api' and event_id = $1", [eventId]);
      count += found.rowCount;
    }
    return count;
  };

  it("is taken over by another consumer of its group, and every event has exactly one effect", async () => {
    const publisher: EventBus = createEventBus({ service: "shield", transport, logger: quietLogger(), streamPrefix: prefix });
    const published = await publisher.publishMany(Array.from({ length: EVENTS }, (_, n) => ({ eventType: "user.created" as const, payload: userCreated(n) })));

    let redeliverable = 0;
    for (const [i, threshold] of KILLS_AT.entries()) {
      const child = spawnConsumer(`doomed-${i}`);
      await waitFor(async () => (await effectCount()) >= threshold, `child ${i} committed ${threshold} effects`, 30_000);
      await killed(child);
      expect((await transport.groupInfo(stream, "api")).pending, `entries left pending by killed child ${i}`).toBeGreaterThan(0);
      redeliverable += await committedButUnacked();
    }
    // The kills did cut batches between a committed effect and its XACK.
    expect(redeliverable).toBeGreaterThan(0);

    const survivor = createEventBus({ service: "api", transport, logger: quietLogger(), streamPrefix: prefix });
    survivor.subscribe({
      eventTypes: ["user.created"],
      consumer: "survivor",
      claimIdleMs: 1_000,
      claimIntervalMs: 100,
      blockMs: 200,
      startId: "0",
      idempotency: { db: owner.db, schema: "api" },
      handler: async (event, { tx }) => {
        await tx.query("insert into api.effects (event_id, user_id) values ($1, $2)", [event.eventId, event.payload.userId]);
      },
    });
    try {
      await waitFor(async () => (await effectCount()) >= EVENTS, "every event has an effect", 30_000);
      await waitFor(async () => (await transport.groupInfo(stream, "api")).pending === 0, "nothing left pending", 30_000);
    } finally {
      await survivor.close();
    }

    const perEvent = await owner.db.query<{ event_id: string; n: number }>("select event_id, count(*)::int as n from api.effects group by event_id");
    expect(perEvent.rows).toHaveLength(EVENTS);
    expect(perEvent.rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(new Set(perEvent.rows.map((r) => r.event_id))).toEqual(new Set(published.map((p) => p.eventId)));
    expect(await effectCount()).toBe(EVENTS);
    expect(await transport.groupInfo(stream, "api")).toMatchObject({ pending: 0, lag: 0 });
    expect(await transport.length(streamName("dlq", prefix))).toBe(0);
  }, 120_000);
});

async function eventIdOf(envelope: Buffer | undefined): Promise<string> {
  if (!envelope) throw new Error("pending entry without an envelope");
  return (await decodeEnvelope(envelope, catalogDecoders)).envelope.eventId;
}
