import { describe, expect, it } from "vitest";
import { STREAM_TABLE } from "../streams.js";
import { createMemoryTransport } from "./memory.js";
import { describeTransportContract } from "./test-support/transportContract.js";
import { TRANSPORTS } from "./test-support/testTransports.js";

// One contract, every backend (STYLE.md §8, like y-redis tests/storage.tests.js).
for (const [name, make] of TRANSPORTS) describeTransportContract(name, make);

// What only a fake clock can show in a test's time: the spec's retention of days.
describe("memory transport on a fake clock", () => {
  const DAY = 24 * 3_600_000;

  it("makes Redis-style <ms>-<seq> ids, also when the clock stands still or goes back", async () => {
    let now = 1_000;
    const t = createMemoryTransport({ now: () => now });
    const ids = [await t.append("s", { a: "1" }), await t.append("s", { a: "2" })];
    now = 900;
    ids.push(await t.append("s", { a: "3" }));
    now = 2_000;
    ids.push(await t.append("s", { a: "4" }));
    expect(ids).toEqual(["1000-0", "1000-1", "1000-2", "2000-0"]);
  });

  it("keeps a week on the users stream, and a pending entry however old", async () => {
    let now = Date.UTC(2026, 0, 1);
    const t = createMemoryTransport({ now: () => now });
    const retentionMs = STREAM_TABLE.users.retentionMs;
    await t.ensureGroup("users", "api", "$");
    const old = await t.append("users", { n: "old" }, { retentionMs });
    const pending = await t.append("users", { n: "pending" }, { retentionMs });
    now += DAY;
    const recent = await t.append("users", { n: "recent" }, { retentionMs });
    await t.ack("users", "api", (await t.readGroup("users", "api", "c", { count: 1 })).map((e) => e.id));
    await t.readGroup("users", "api", "c", { count: 1 }); // "pending" stays unacknowledged
    now += 7 * DAY;
    const fresh = await t.append("users", { n: "fresh" }, { retentionMs });
    // "old" is past the week and acknowledged: gone. "pending" is past it too but still pending.
    expect((await t.range("users")).map((e) => e.id)).toEqual([pending, recent, fresh]);
    await t.ack("users", "api", [pending]);
    now += 1;
    await t.append("users", { n: "later" }, { retentionMs });
    expect((await t.range("users")).map((e) => e.id)).not.toContain(pending);
    expect(old).not.toBe(pending);
  });
});
