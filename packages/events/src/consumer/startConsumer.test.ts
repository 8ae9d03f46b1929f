import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { catalogDecoders, decodeEnvelope } from "../envelope/index.js";
import { listDeadLetters, replayDeadLetter } from "../dlq/deadLetters.js";
import { streamName } from "../streams.js";
import { fieldText, type EventTransport } from "../transports/EventTransport.js";
import { RedisTransport } from "../transports/redis.js";
import { recordingLogger, TRANSPORTS, uniquePrefix, waitFor } from "../transports/test-support/testTransports.js";
import type { ConsumedEntry, ConsumeObservation, ConsumerOptions, onDeadLetterPayload } from "./consumerOptions.js";
import { startConsumer, type RunningConsumer } from "./startConsumer.js";

describe.each(TRANSPORTS)("startConsumer on %s", (_name, makeTransport) => {
  let transport: EventTransport;
  let consumer: RunningConsumer | undefined;
  let streams: { users: string; dlq: string };

  const start = async (handler: (entry: ConsumedEntry) => Promise<void>, extra: Partial<ConsumerOptions> = {}) => {
    transport = await makeTransport();
    const prefix = uniquePrefix("consumer");
    streams = { users: streamName("users", prefix), dlq: streamName("dlq", prefix) };
    const logger = recordingLogger();
    consumer = startConsumer({
      transport,
      stream: streams.users,
      group: "api",
      handler,
      deadLetterStream: streams.dlq,
      startId: "0",
      batchSize: 10,
      blockMs: 100,
      claimIdleMs: 100,
      claimIntervalMs: 50,
      maxDeliveries: 3,
      logger,
      ...extra,
    });
    return logger;
  };

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await transport.deleteStream(streams.users);
    await transport.deleteStream(streams.dlq);
    await transport.close();
  });

  it("dead-letters a poison entry after maxDeliveries with its reason, then a replay is handled once", async () => {
    const calls = new Map<string, number>();
    let fixed = false;
    const observed: ConsumeObservation[] = [];
    const deadLettered: onDeadLetterPayload[] = [];
    await start(
      async (entry) => {
        // Keyed by envelope: a replay re-publishes the envelope and event_type, not other fields.
        const n = entry.envelope.toString();
        calls.set(n, (calls.get(n) ?? 0) + 1);
        if (n === "poison" && !fixed) throw new Error("boom: cannot handle poison");
      },
      { observe: (o) => void observed.push(o), onDeadLetter: (p) => void deadLettered.push(p) },
    );
    const envelope = Buffer.from("poison");
    await transport.append(streams.users, { event_type: "user.created", envelope });
    await transport.append(streams.users, { event_type: "user.updated", envelope: "good" });

    await waitFor(async () => (await transport.length(streams.dlq)) === 1, "the poison entry in the DLQ");
    await waitFor(async () => (await transport.groupInfo(streams.users, "api")).pending === 0, "pending drained");
    const [letter] = await listDeadLetters(transport, { deadLetterStream: streams.dlq });
    expect(letter).toMatchObject({ stream: streams.users, group: "api", eventType: "user.created", attempts: 3 });
    expect(letter!.error).toContain("boom: cannot handle poison");
    expect(letter!.envelope!.equals(envelope)).toBe(true);
    expect(calls.get("poison")).toBe(3);
    expect(calls.get("good")).toBe(1);
    expect(observed.filter((o) => o.outcome === "retry")).toHaveLength(2);
    expect(observed.filter((o) => o.outcome === "dead_letter")).toHaveLength(1);
    expect(deadLettered).toMatchObject([{ deadLetterId: letter!.id, attempts: 3, eventType: "user.created" }]);

    fixed = true;
    await replayDeadLetter(transport, letter!.id, { deadLetterStream: streams.dlq });
    await waitFor(() => calls.get("poison") === 4, "the replayed entry handled");
    await waitFor(async () => (await transport.groupInfo(streams.users, "api")).pending === 0, "pending drained after replay");
    await new Promise((r) => setTimeout(r, 300)); // a second delivery would show up within a few claim rounds
    expect(calls.get("poison")).toBe(4);
    expect(await transport.length(streams.dlq)).toBe(0);
  });

  it("dead-letters garbage envelopes at once and keeps consuming the entries after them", async () => {
    const handled: string[] = [];
    const logger = await start(async (entry) => {
      if (fieldText(entry, "n")?.startsWith("good")) return void handled.push(fieldText(entry, "n")!);
      await decodeEnvelope(entry.envelope, catalogDecoders); // throws MalformedEnvelopeError: permanent
    });
    if (transport instanceof RedisTransport) {
      // Exactly what `redis-cli XADD <stream> * event_type x envelope garbage` writes.
      await transport.redis.call("XADD", streams.users, "*", "event_type", "x", "envelope", "garbage");
    } else {
      await transport.append(streams.users, { event_type: "x", envelope: "garbage" });
    }
    await transport.append(streams.users, { event_type: "user.created", n: "no-envelope" });
    for (const n of ["good-1", "good-2", "good-3"]) await transport.append(streams.users, { event_type: "user.created", envelope: "ok", n });

    await waitFor(() => handled.length === 3, "the good entries handled");
    await waitFor(async () => (await transport.length(streams.dlq)) === 2, "both bad entries dead-lettered");
    const letters = await listDeadLetters(transport, { deadLetterStream: streams.dlq });
    expect(letters.map((l) => [l.eventType, l.attempts])).toEqual([
      ["x", 1],
      ["user.created", 1],
    ]);
    expect(letters[0]!.error).toMatch(/^MalformedEnvelopeError: /);
    expect(letters[0]!.envelope?.toString()).toBe("garbage");
    expect(letters[1]!.error).toContain("no envelope");
    expect(handled).toEqual(["good-1", "good-2", "good-3"]);
    expect((await transport.groupInfo(streams.users, "api")).pending).toBe(0);
    expect(logger.lines.filter((l) => l.level === "error").map((l) => l.msg)).toEqual(["event dead-lettered", "event dead-lettered"]);
  });

  it("stop() finishes the batch in flight and acknowledges it", async () => {
    const handled: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    onTestFinished(() => release()); // never leave the handler (and afterEach's stop) hanging
    await start(async (entry) => {
      if (handled.length === 0) await gate;
      handled.push(fieldText(entry, "n")!);
    });
    await transport.appendMany(["1", "2", "3"].map((n) => ({ stream: streams.users, fields: { event_type: "user.created", envelope: "e", n } })));
    await waitFor(async () => (await transport.groupInfo(streams.users, "api")).pending === 3, "the batch delivered");
    const stopped = consumer!.stop();
    release();
    await stopped;
    expect(handled).toEqual(["1", "2", "3"]);
    expect(await transport.groupInfo(streams.users, "api")).toMatchObject({ pending: 0, lag: 0 });
    const idleStop = Date.now();
    await consumer!.stop(); // idempotent
    expect(Date.now() - idleStop).toBeLessThan(100);
  });
});
