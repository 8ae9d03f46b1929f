import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  createEventBus,
  createRedisTransport,
  listDeadLetters,
  replayDeadLetter,
  streamName,
  type EventBus,
  type RedisTransport,
} from "@materi/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireRedis, uniquePrefix } from "../../helpers/redis.js";
import { openOwnerDatabase, quietLogger, userCreated, waitFor, type OwnerDatabase } from "./support/eventsE2e.js";

const run = promisify(execFile);
const fast = { blockMs: 100, claimIdleMs: 100, claimIntervalMs: 50, maxDeliveries: 3, startId: "0" } as const;

/**
 * Issue 4 "Done when": a poison event reaches the DLQ after the delivery limit with its reason,
 * `dlq replay` delivers it once the handler is fixed, and the pending list drains to 0; an entry
 * written by redis-cli with a garbage envelope is dead-lettered, and nothing crashes.
 */
describe("dead letters through the bus", () => {
  let url: string;
  let owner: OwnerDatabase;
  let transport: RedisTransport;
  let prefix: string;
  const buses: EventBus[] = [];

  beforeAll(async () => {
    url = await requireRedis();
    owner = await openOwnerDatabase("dead_letters", "api", "create table api.effects (event_id uuid not null, user_id text not null)");
    transport = createRedisTransport({ url, connectionName: "events-e2e-dlq" });
  });

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await transport.close();
    await owner.close();
  });

  const newBus = (service: "shield" | "api"): EventBus => {
    const bus = createEventBus({ service, transport, logger: quietLogger(), streamPrefix: prefix });
    buses.push(bus);
    return bus;
  };
  const cleanUp = async () => {
    for (const domain of ["users", "dlq"] as const) await transport.deleteStream(streamName(domain, prefix));
  };
  const effects = async (userId: string) =>
    (await owner.db.query<{ n: number }>("select count(*)::int as n from api.effects where user_id = $1", [userId])).rows[0]!.n;

  it("dead-letters a poison event after the limit, with its reason, and a replay after the fix delivers it once", async () => {
    prefix = uniquePrefix("events-poison");
    let fixed = false;
    const consumer = newBus("api");
    const sub = consumer.subscribe({
      ...fast,
      eventTypes: ["user.created"],
      idempotency: { db: owner.db, schema: "api" },
      handler: async (event, { tx }) => {
        await tx.query("insert into api.effects (event_id, user_id) values ($1, $2)", [event.eventId, event.payload.userId]);
        if (event.payload.userId === "user-poison" && !fixed) throw new Error("cannot provision user-poison: quota table missing");
      },
    });
    const publisher = newBus("shield");
    const poison = await publisher.publish("user.created", userCreated("poison"));
    await publisher.publish("user.created", userCreated("fine"));

    const dlq = { deadLetterStream: streamName("dlq", prefix) };
    await waitFor(async () => (await listDeadLetters(transport, dlq)).length === 1, "the poison event dead-lettered");
    const [letter] = await listDeadLetters(transport, dlq);
    expect(letter).toMatchObject({ stream: sub.streams[0], originalId: poison.entryId, group: "api", eventType: "user.created", attempts: 3 });
    expect(letter!.error).toBe("Error: cannot provision user-poison: quota table missing");
    expect(await effects("user-poison")).toBe(0); // every failed attempt rolled back
    expect(await effects("user-fine")).toBe(1);
    await waitFor(async () => (await transport.groupInfo(sub.streams[0]!, "api")).pending === 0, "pending drained after dead-lettering");

    fixed = true;
    await replayDeadLetter(transport, letter!.id, dlq);
    await waitFor(async () => (await effects("user-poison")) === 1, "the replayed event handled");
    await waitFor(async () => (await transport.groupInfo(sub.streams[0]!, "api")).pending === 0, "pending drained after the replay");
    await new Promise((r) => setTimeout(r, 300)); // room for a wrong second delivery to show
    expect(await effects("user-poison")).toBe(1);
    expect(await listDeadLetters(transport, dlq)).toEqual([]);
    await sub.stop();
    await cleanUp();
  });

  it("dead-letters an entry written by redis-cli with a garbage envelope, and keeps consuming", async () => {
    prefix = uniquePrefix("events-garbage");
    const handled: string[] = [];
    const logger = quietLogger();
    const consumer = createEventBus({ service: "api", transport, logger, streamPrefix: prefix });
    buses.push(consumer);
    const sub = consumer.subscribe({ ...fast, eventTypes: ["user.created"], handler: async (event) => void handled.push(event.payload.userId) });
    let ended = false;
    void Promise.all(sub.consumers.map((c) => c.done)).then(() => (ended = true));

    const { hostname, port } = new URL(url);
    const stream = streamName("users", prefix);
    await run("redis-cli", ["-h", hostname, "-p", port || "6379", "XADD", stream, "*", "event_type", "user.created", "envelope", "garbage"]);
    await newBus("shield").publish("user.created", userCreated("after-garbage"));

    const dlq = { deadLetterStream: streamName("dlq", prefix) };
    await waitFor(async () => (await listDeadLetters(transport, dlq)).length === 1, "the garbage entry dead-lettered");
    await waitFor(() => handled.includes("user-after-garbage"), "the next event handled");
    const [letter] = await listDeadLetters(transport, dlq);
    expect(letter!.error).toMatch(/^MalformedEnvelopeError: malformed event envelope: /);
    // Permanent: dead-lettered on its first delivery, no retries spent.
    expect(letter!.attempts).toBe(1);
    expect(letter!.envelope?.toString()).toBe("garbage");
    expect(ended).toBe(false);
    expect(await transport.groupInfo(stream, "api")).toMatchObject({ pending: 0, lag: 0 });
    expect(logger.lines.some((l) => l.level === "error" && l.msg === "event dead-lettered")).toBe(true);
    await sub.stop();
    await cleanUp();
  });
});
