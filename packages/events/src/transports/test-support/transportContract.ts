import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fieldText, isNoGroupError, type EventTransport } from "../EventTransport.js";
import { compareIds, parseId } from "../entryId.js";

/** Builds a fresh transport for one suite; closed in afterAll. */
export type TransportFactory = () => Promise<EventTransport> | EventTransport;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const envelope = Buffer.from([0x0a, 0x00, 0xff, 0x10, 0x80]); // not valid UTF-8 on purpose

/**
 * The one contract both transports keep (ARCHITECTURE.md: "the same semantics ... tested by the
 * same contract suite"; STYLE.md §8, like y-redis tests/storage.tests.js looping its backends).
 * Every test works on streams of its own and deletes them after.
 */
export function describeTransportContract(name: string, factory: TransportFactory): void {
  describe(`EventTransport contract: ${name}`, () => {
    let t: EventTransport;
    const made: string[] = [];
    const stream = (label = "s"): string => {
      const s = `test:contract:${randomBytes(5).toString("hex")}:${label}`;
      made.push(s);
      return s;
    };
    const fill = async (s: string, n: number): Promise<string[]> =>
      t.appendMany(Array.from({ length: n }, (_, i) => ({ stream: s, fields: { event_type: "test.filled", envelope, n: String(i) } })));

    beforeAll(async () => {
      t = await factory();
    });
    afterEach(async () => {
      for (const s of made.splice(0)) await t.deleteStream(s);
    });
    afterAll(async () => {
      await t.close();
    });

    it("appends entries with increasing <ms>-<seq> ids and reads the bytes back", async () => {
      const s = stream();
      const a = await t.append(s, { event_type: "user.created", envelope });
      const [b, c] = await t.appendMany([
        { stream: s, fields: { event_type: "user.updated", envelope } },
        { stream: s, fields: { event_type: "user.deleted", envelope } },
      ]);
      expect(a).toMatch(/^\d+-\d+$/);
      expect(compareIds(a, b!)).toBeLessThan(0);
      expect(compareIds(b!, c!)).toBeLessThan(0);
      const entries = await t.range(s);
      expect(entries.map((e) => e.id)).toEqual([a, b, c]);
      expect(entries[0]!.fields["envelope"]!.equals(envelope)).toBe(true);
      expect(fieldText(entries[2]!, "event_type")).toBe("user.deleted");
      expect(await t.length(s)).toBe(3);
      expect(await t.range(s, { start: `(${a}`, count: 1 })).toMatchObject([{ id: b }]);
    });

    it("refuses an entry without fields", async () => {
      await expect(t.append(stream(), {})).rejects.toThrow();
    });

    it("creates a group idempotently, at $ (only new entries) or 0 (everything)", async () => {
      const s = stream();
      await fill(s, 2);
      await t.ensureGroup(s, "late", "$");
      await t.ensureGroup(s, "early", "0");
      await t.ensureGroup(s, "early", "$"); // exists: its position is kept
      const [third] = await fill(s, 1);
      expect((await t.readGroup(s, "late", "c1", { count: 10 })).map((e) => e.id)).toEqual([third]);
      expect(await t.readGroup(s, "early", "c1", { count: 10 })).toHaveLength(3);
    });

    it("ensureGroup creates a missing stream; reading a missing group is a NOGROUP error", async () => {
      const s = stream();
      await t.ensureGroup(s, "g", "$");
      expect(await t.length(s)).toBe(0);
      const err = await t.readGroup(s, "nope", "c").catch((e: unknown) => e);
      expect(isNoGroupError(err)).toBe(true);
      expect(isNoGroupError(await t.readGroup(stream("missing"), "g", "c").catch((e: unknown) => e))).toBe(true);
    });

    it("gives each entry to one consumer of a group, and every entry to every group", async () => {
      const s = stream();
      await t.ensureGroup(s, "api", "0");
      await t.ensureGroup(s, "relay", "0");
      const ids = await fill(s, 5);
      const first = await t.readGroup(s, "api", "a1", { count: 3 });
      const second = await t.readGroup(s, "api", "a2", { count: 3 });
      expect([...first, ...second].map((e) => e.id)).toEqual(ids);
      expect(first.every((e) => e.deliveries === 1)).toBe(true);
      expect(await t.readGroup(s, "api", "a1", { count: 3 })).toEqual([]);
      expect((await t.readGroup(s, "relay", "r1", { count: 10 })).map((e) => e.id)).toEqual(ids);
    });

    it("keeps delivered entries pending until acknowledged, and reports pending and lag", async () => {
      const s = stream();
      await t.ensureGroup(s, "g", "0");
      const ids = await fill(s, 5);
      await t.readGroup(s, "g", "c", { count: 2 });
      expect(await t.groupInfo(s, "g")).toMatchObject({ pending: 2, lag: 3, lastDeliveredId: ids[1] });
      expect(await t.ack(s, "g", [ids[0]!, ids[1]!])).toBe(2);
      expect(await t.ack(s, "g", [ids[0]!])).toBe(0);
      expect(await t.groupInfo(s, "g")).toMatchObject({ pending: 0, lag: 3 });
      await t.readGroup(s, "g", "c", { count: 10 });
      expect(await t.groupInfo(s, "g")).toMatchObject({ pending: 3, lag: 0 });
      expect(isNoGroupError(await t.groupInfo(s, "other").catch((e: unknown) => e))).toBe(true);
    });

    it("claims entries idle long enough, counting each delivery", async () => {
      const s = stream();
      await t.ensureGroup(s, "g", "0");
      const ids = await fill(s, 4);
      await t.readGroup(s, "g", "dead", { count: 4 });
      expect((await t.claimStale(s, "g", "live", 60_000, 10)).entries).toEqual([]);
      await sleep(40);
      const claimed = await t.claimStale(s, "g", "live", 30, 3);
      expect(claimed.entries.map((e) => [e.id, e.deliveries])).toEqual(ids.slice(0, 3).map((id) => [id, 2]));
      expect(fieldText(claimed.entries[0]!, "n")).toBe("0");
      await sleep(40);
      const again = await t.claimStale(s, "g", "other", 30, 10);
      expect(again.entries.map((e) => [e.id, e.deliveries])).toEqual([...ids.slice(0, 3).map((id) => [id, 3]), [ids[3], 2]]);
      const counts = await t.deliveryCounts(s, "g", [ids[0]!, ids[3]!, "1-1"]);
      expect([...counts]).toEqual([
        [ids[0], 3],
        [ids[3], 2],
      ]);
    });

    it("reports pending entries deleted meanwhile and drops them from the pending list", async () => {
      const s = stream();
      await t.ensureGroup(s, "g", "0");
      const ids = await fill(s, 3);
      await t.readGroup(s, "g", "dead", { count: 3 });
      expect(await t.deleteEntries(s, [ids[1]!])).toBe(1);
      await sleep(20);
      const claimed = await t.claimStale(s, "g", "live", 10, 10);
      expect(claimed.entries.map((e) => e.id)).toEqual([ids[0], ids[2]]);
      expect(claimed.deletedIds).toEqual([ids[1]]);
      expect((await t.groupInfo(s, "g")).pending).toBe(2);
    });

    it("blocks a read until an entry arrives, its timeout passes or it is aborted", async () => {
      const s = stream();
      await t.ensureGroup(s, "g", "$");
      const started = Date.now();
      const woken = t.readGroup(s, "g", "c", { count: 10, blockMs: 5_000 });
      await sleep(50);
      const [id] = await fill(s, 1);
      expect((await woken).map((e) => e.id)).toEqual([id]);
      expect(Date.now() - started).toBeLessThan(2_000);

      const idleStart = Date.now();
      expect(await t.readGroup(s, "g", "c", { blockMs: 150 })).toEqual([]);
      expect(Date.now() - idleStart).toBeGreaterThanOrEqual(120);

      const controller = new AbortController();
      const abortStart = Date.now();
      const aborted = t.readGroup(s, "g", "c", { blockMs: 10_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      expect(await aborted).toEqual([]);
      expect(Date.now() - abortStart).toBeLessThan(2_000);
    });

    it("trims entries older than the retention window, keeping newer ones", async () => {
      const s = stream();
      await fill(s, 250); // more than one Redis radix node (100 entries), so "~" has whole nodes to drop
      await sleep(80);
      const kept = await t.append(s, { event_type: "test.kept", envelope }, { retentionMs: 40 });
      const left = await t.range(s);
      expect(left.length).toBeLessThan(251);
      expect(left.at(-1)!.id).toBe(kept);
      const windowStart = parseId(kept).ms - 40;
      // Approximate trimming may keep some old entries, never drop a new one.
      expect(left.filter((e) => parseId(e.id).ms >= windowStart).map((e) => e.id)).toContain(kept);
    });

    it("never trims an entry still pending in a group", async () => {
      const s = stream();
      await t.ensureGroup(s, "g", "$");
      const [pendingId] = await fill(s, 1);
      await t.readGroup(s, "g", "slow", { count: 1 });
      await fill(s, 250);
      await sleep(80);
      await t.append(s, { event_type: "test.kept", envelope }, { retentionMs: 40 });
      expect((await t.range(s, { count: 1 }))[0]!.id).toBe(pendingId);
      await sleep(20);
      const claimed = await t.claimStale(s, "g", "live", 10, 10);
      expect(claimed.entries.map((e) => e.id)).toEqual([pendingId]);
      expect(claimed.entries[0]!.fields["envelope"]!.equals(envelope)).toBe(true);
      expect(claimed.deletedIds).toEqual([]);
    });

    it("trims exactly below an id and deletes streams", async () => {
      const s = stream();
      const ids = await fill(s, 4);
      expect(await t.trim(s, ids[2]!)).toBe(2);
      expect((await t.range(s)).map((e) => e.id)).toEqual(ids.slice(2));
      await t.deleteStream(s);
      expect(await t.length(s)).toBe(0);
      expect(await t.range(s)).toEqual([]);
    });
  });
}
