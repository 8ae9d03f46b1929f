import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamName } from "../streams.js";
import { createRedisTransport, type RedisTransport } from "../transports/redis.js";
import { recordingLogger, requireTestRedis, uniquePrefix, waitFor } from "../transports/test-support/testTransports.js";
import { startConsumer } from "./startConsumer.js";

const CHILD = fileURLToPath(new URL("./test-support/consumerChild.ts", import.meta.url));
const ENTRIES = 60;
const KILLS_AT = [5, 22, 39]; // effects seen before each SIGKILL: each lands inside a 10-entry batch

/**
 * Issue 4 "Done when": a consumer process killed with SIGKILL mid-batch, three times in a row;
 * another consumer of its group takes over the stale pending entries and finishes the work.
 * Without the idempotency table (processed_events) a redelivered entry repeats its effect, so
 * this asserts at-least-once: every entry has an effect, nothing is left pending or undelivered.
 */
describe("a consumer killed with SIGKILL mid-batch", () => {
  let url: string;
  let transport: RedisTransport;
  let effects: Redis;
  let keys: { stream: string; dlq: string; effects: string };
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    url = await requireTestRedis();
    transport = createRedisTransport({ url, connectionName: "events-kill-test" });
    effects = new Redis(url);
    const prefix = uniquePrefix("kill");
    keys = { stream: streamName("documents", prefix), dlq: streamName("dlq", prefix), effects: `${prefix}:effects` };
  });

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await transport.deleteStream(keys.stream);
    await transport.deleteStream(keys.dlq);
    await effects.del(keys.effects);
    effects.disconnect();
    await transport.close();
  });

  const spawnConsumer = (name: string): ChildProcess => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
      env: { ...process.env, REDIS_URL: url, STREAM: keys.stream, GROUP: "shield", CONSUMER: name, DLQ: keys.dlq, EFFECTS_KEY: keys.effects, DELAY_MS: "25", CLAIM_IDLE_MS: "1000" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(child);
    return child;
  };

  const killed = (child: ChildProcess): Promise<void> =>
    new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });

  it("is taken over by another consumer of its group three times, and every entry gets handled", async () => {
    await transport.ensureGroup(keys.stream, "shield", "0");
    const ids = await transport.appendMany(
      Array.from({ length: ENTRIES }, (_, n) => ({ stream: keys.stream, fields: { event_type: "document.updated", envelope: `e${n}`, n: String(n) } })),
    );

    for (const [i, threshold] of KILLS_AT.entries()) {
      const child = spawnConsumer(`doomed-${i}`);
      await waitFor(async () => (await effects.hlen(keys.effects)) >= threshold, `child ${i} handled ${threshold} entries`, 30_000);
      await killed(child);
      const { pending } = await transport.groupInfo(keys.stream, "shield");
      expect(pending, `entries left pending by killed child ${i}`).toBeGreaterThan(0);
    }

    const survivor = startConsumer({
      transport,
      stream: keys.stream,
      group: "shield",
      consumer: "survivor",
      deadLetterStream: keys.dlq,
      handler: async (entry) => void (await effects.hincrby(keys.effects, entry.fields["n"]!.toString(), 1)),
      claimIdleMs: 1_000,
      claimIntervalMs: 100,
      blockMs: 200,
      logger: recordingLogger(),
    });
    try {
      await waitFor(async () => (await effects.hlen(keys.effects)) === ENTRIES, "every entry has an effect", 30_000);
      await waitFor(async () => (await transport.groupInfo(keys.stream, "shield")).pending === 0, "nothing left pending", 30_000);
    } finally {
      await survivor.stop();
    }

    const counts = Object.values(await effects.hgetall(keys.effects)).map(Number);
    expect(counts).toHaveLength(ids.length);
    expect(counts.every((c) => c >= 1)).toBe(true);
    // Repeated effects prove the kills cut batches between effect and XACK; they come only from
    // such cut batches, at most one batch (10) per kill.
    const repeated = counts.reduce((a, b) => a + b, 0) - ENTRIES;
    expect(repeated).toBeGreaterThan(0);
    expect(repeated).toBeLessThanOrEqual(KILLS_AT.length * 10);
    expect(await transport.groupInfo(keys.stream, "shield")).toMatchObject({ pending: 0, lag: 0 });
    expect(await transport.length(keys.dlq)).toBe(0);
  }, 120_000);
});
