import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TRANSPORTS, uniquePrefix } from "../transports/test-support/testTransports.js";
import { streamName } from "../streams.js";
import type { EventTransport } from "../transports/EventTransport.js";
import { deadLetterFields, type DeadLetter } from "./deadLetterEntry.js";
import { DeadLetterNotFoundError, listDeadLetters, purgeDeadLetters, replayAllDeadLetters, replayDeadLetter } from "./deadLetters.js";

describe.each(TRANSPORTS)("dead letters on %s", (_name, makeTransport) => {
  let transport: EventTransport;
  let s: { users: string; dlq: string };

  const letter = (originalId: string, envelope?: string): Omit<DeadLetter, "id"> => ({
    stream: s.users,
    originalId,
    group: "api",
    consumer: "c1",
    eventType: "user.created",
    envelope: envelope === undefined ? undefined : Buffer.from(envelope),
    error: "Error: boom",
    attempts: 5,
    failedAt: new Date(0).toISOString(),
  });

  const seed = async (...letters: Array<Omit<DeadLetter, "id">>): Promise<string[]> =>
    transport.appendMany(letters.map((l) => ({ stream: s.dlq, fields: deadLetterFields(l) })));

  beforeEach(async () => {
    transport = await makeTransport();
    const prefix = uniquePrefix("dlq");
    s = { users: streamName("users", prefix), dlq: streamName("dlq", prefix) };
  });

  afterEach(async () => {
    await transport.deleteStream(s.users);
    await transport.deleteStream(s.dlq);
    await transport.close();
  });

  it("lists, pages and round-trips every field", async () => {
    const [first, second] = await seed(letter("1-1", "a"), letter("1-2"));
    const all = await listDeadLetters(transport, { deadLetterStream: s.dlq });
    expect(all).toEqual([
      { id: first, ...letter("1-1", "a") },
      { id: second, ...letter("1-2") },
    ]);
    expect((await listDeadLetters(transport, { deadLetterStream: s.dlq, after: first, count: 5 })).map((l) => l.id)).toEqual([second]);
  });

  it("replays one (copy, then delete), all, skipping letters without an envelope", async () => {
    const [one, two, bare] = await seed(letter("1-1", "a"), letter("1-2", "b"), letter("1-3"));
    const replayed = await replayDeadLetter(transport, one!, { deadLetterStream: s.dlq });
    expect(replayed).toMatchObject({ deadLetterId: one, stream: s.users });
    const [back] = await transport.range(s.users);
    expect(back!.fields["envelope"]!.toString()).toBe("a");
    expect(back!.fields["event_type"]!.toString()).toBe("user.created");
    expect(back!.fields["replayed_from"]!.toString()).toBe(one);
    await expect(replayDeadLetter(transport, one!, { deadLetterStream: s.dlq })).rejects.toBeInstanceOf(DeadLetterNotFoundError);

    const all = await replayAllDeadLetters(transport, { deadLetterStream: s.dlq });
    expect(all.replayed.map((r) => r.deadLetterId)).toEqual([two]);
    expect(all.skipped.map((l) => l.id)).toEqual([bare]);
    expect((await transport.range(s.users)).map((e) => e.fields["envelope"]!.toString())).toEqual(["a", "b"]);
    expect((await transport.range(s.dlq)).map((e) => e.id)).toEqual([bare]);
  });

  it("purges what is there and reports how many", async () => {
    expect(await purgeDeadLetters(transport, { deadLetterStream: s.dlq })).toBe(0);
    await seed(letter("1-1", "a"), letter("1-2"), letter("1-3", "c"));
    expect(await purgeDeadLetters(transport, { deadLetterStream: s.dlq })).toBe(3);
    expect(await transport.length(s.dlq)).toBe(0);
  });
});
