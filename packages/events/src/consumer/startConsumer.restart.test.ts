import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrivateRedis, type PrivateRedis } from "../../../../test/helpers/privateRedis.js";
import { streamName } from "../streams.js";
import { fieldText } from "../transports/EventTransport.js";
import { createRedisTransport, type RedisTransport } from "../transports/redis.js";
import { startConsumer } from "./startConsumer.js";
import { recordingLogger, waitFor } from "../transports/test-support/testTransports.js";

/**
 * The consumer outlives its Redis: on a PRIVATE redis-server (never the shared one), stopped and
 * started again on the same port. It comes back empty (no persistence), so the consumer must also
 * recreate its group, reading what was published since.
 */
describe("a consumer across a Redis restart", () => {
  let redis: PrivateRedis;
  let transport: RedisTransport;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    transport = createRedisTransport({ url: redis.url, connectionName: "events-restart-test" });
  });

  afterAll(async () => {
    await transport.close();
    await redis.dispose();
  });

  const publish = async (stream: string, n: string): Promise<void> => {
    // The publisher's own retry while Redis reconnects (the outbox does this in production).
    await waitFor(
      () => transport.append(stream, { event_type: "user.created", envelope: `e${n}`, n }).then(() => true, () => false),
      `publishing ${n}`,
    );
  };

  it("keeps running, reconnects and handles what is published after Redis is back", async () => {
    const stream = streamName("users", "restart");
    const handled = new Set<string>();
    const logger = recordingLogger();
    const consumer = startConsumer({
      transport,
      stream,
      group: "relay",
      handler: async (entry) => void handled.add(fieldText(entry, "n")!),
      startId: "0",
      blockMs: 200,
      claimIdleMs: 1_000,
      retryDelayMs: 50,
      maxRetryDelayMs: 300,
      logger,
    });
    let ended = false;
    void consumer.done.then(() => (ended = true));

    for (const n of ["1", "2", "3"]) await publish(stream, n);
    await waitFor(() => handled.size === 3, "the first entries handled");

    await redis.stop();
    await waitFor(() => logger.lines.some((l) => l.msg?.includes("cannot reach its transport")), "the consumer noticing the outage");
    await new Promise((r) => setTimeout(r, 1_000)); // a few failed rounds with backoff
    expect(ended).toBe(false);
    await redis.start();

    for (const n of ["4", "5", "6"]) await publish(stream, n);
    await waitFor(() => handled.size === 6, "the entries published after the restart handled", 20_000);
    expect([...handled].sort()).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(ended).toBe(false);
    expect(logger.lines.some((l) => l.msg?.includes("consumer group missing"))).toBe(true);
    await waitFor(async () => (await transport.groupInfo(stream, "relay")).pending === 0, "pending drained");

    await consumer.stop();
    expect(ended).toBe(true);
  }, 60_000);
});
