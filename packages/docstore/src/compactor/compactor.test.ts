import { randomUUID } from "node:crypto";
import type { Database } from "@materi/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createDocStore } from "../createDocStore.js";
import { createMigratedDatabase, silentLogger, type MigratedDatabase } from "../test-support/database.js";
import type { DocStore } from "../types.js";
import { startCompactor, type Compactor, type CompactorOptions } from "./startCompactor.js";

let pg: MigratedDatabase;
let store: DocStore;
const compactors: Compactor[] = [];

beforeAll(async () => {
  pg = await createMigratedDatabase("docstore_compactor");
  store = createDocStore({ db: pg.db, logger: silentLogger });
});
afterAll(async () => {
  for (const c of compactors) await c.stop();
  await pg?.drop();
});

/** A compactor driven by runOnce only: its timer is set far beyond any test. */
function compactor(opts: Partial<CompactorOptions> = {}): Compactor {
  const c = startCompactor({ db: pg.db, logger: silentLogger, intervalMs: 3_600_000, minUpdates: 10, retentionMs: 0, ...opts });
  compactors.push(c);
  return c;
}

/** Appends `labels` as updates from independent clients, each pushing its label to Y.Array "items". */
function appendItems(s: DocStore, id: string, labels: string[]): Promise<unknown> {
  return Promise.all(
    labels.map((label) => {
      const client = new Y.Doc();
      client.getArray<string>("items").push([label]);
      return s.append(id, Y.encodeStateAsUpdate(client), "test");
    }),
  );
}

const labels = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function itemsOf(doc: Y.Doc): string[] {
  return doc.getArray<string>("items").toArray().sort();
}

function replay(updates: { update: Uint8Array }[]): Y.Doc {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u.update);
  return doc;
}

describe("compaction", () => {
  it("folds the log into a snapshot, prunes it, and still answers load and updatesSince", async () => {
    const id = randomUUID();
    await appendItems(store, id, labels("a", 30));
    const run = await compactor().runOnce();
    expect(run.compacted).toBeGreaterThanOrEqual(1);
    const snap = await pg.db.query<{ seq: string; pruned_seq: string }>("select seq, pruned_seq from docstore.snapshots where document_id = $1", [id]);
    expect(snap.rows[0]).toEqual({ seq: "30", pruned_seq: "30" });
    expect((await pg.db.query("select 1 from docstore.updates where document_id = $1", [id])).rowCount).toBe(0);

    await appendItems(store, id, ["b0", "b1"]);
    const loaded = await store.load(id);
    expect(loaded.seq).toBe(32);
    expect(itemsOf(loaded.doc)).toEqual([...labels("a", 30), "b0", "b1"].sort());
    // A follower behind the pruned log gets the snapshot in place of the rows it folded.
    const since = await store.updatesSince(id, 3);
    expect(since.map((u) => [u.seq, u.origin])).toEqual([
      [30, "snapshot"],
      [31, "test"],
      [32, "test"],
    ]);
    expect(itemsOf(replay(since))).toEqual(itemsOf(loaded.doc));
    expect((await store.updatesSince(id, 31)).map((u) => u.seq)).toEqual([32]);
  });

  it("keeps log rows younger than the retention window for followers a little behind", async () => {
    const id = randomUUID();
    await appendItems(store, id, labels("r", 12));
    await compactor({ retentionMs: 3_600_000 }).runOnce();
    const since = await store.updatesSince(id, 5);
    expect(since.map((u) => u.seq)).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(since.every((u) => u.origin === "test")).toBe(true);
  });

  it("loses no append committed between the compactor's read and its snapshot write", async () => {
    const id = randomUUID();
    await appendItems(store, id, labels("before", 20));
    const writer = createDocStore({ db: pg.open(), logger: silentLogger });
    // The compactor's write transaction starts only once 15 more appends have committed.
    const late: Database = Object.assign(Object.create(pg.db) as Database, {
      transaction: async (fn: Parameters<Database["transaction"]>[0]) => {
        await appendItems(writer, id, labels("during", 15));
        return pg.db.transaction(fn);
      },
    });
    compactors.push(startCompactor({ db: late, logger: silentLogger, intervalMs: 3_600_000, minUpdates: 10, retentionMs: 0, idleRevisionMs: 3_600_000 }));
    await compactors.at(-1)!.runOnce();
    const snap = await pg.db.query<{ seq: string }>("select seq from docstore.snapshots where document_id = $1", [id]);
    expect(snap.rows[0]?.seq).toBe("20");
    const expected = [...labels("before", 20), ...labels("during", 15)].sort();
    expect(itemsOf((await store.load(id)).doc)).toEqual(expected);
    expect(itemsOf(replay(await store.updatesSince(id, 0)))).toEqual(expected);
    // The next run folds the rest.
    await compactor().runOnce();
    expect(itemsOf((await store.load(id)).doc)).toEqual(expected);
  });

  it("writes no snapshot for a document purged between the compactor's read and its write", async () => {
    const id = randomUUID();
    await appendItems(store, id, labels("p", 12));
    const purgeFirst: Database = Object.assign(Object.create(pg.db) as Database, {
      transaction: async (fn: Parameters<Database["transaction"]>[0]) => {
        await store.purge(id);
        return pg.db.transaction(fn);
      },
    });
    const c = startCompactor({ db: purgeFirst, logger: silentLogger, intervalMs: 3_600_000, minUpdates: 10, retentionMs: 0, idleRevisionMs: 3_600_000 });
    compactors.push(c);
    await c.runOnce();
    expect((await pg.db.query("select 1 from docstore.snapshots where document_id = $1", [id])).rowCount).toBe(0);
    expect(await store.load(id)).toMatchObject({ seq: 0 });
  });

  it("keeps every update while two compactors and two writers run at once", async () => {
    const id = randomUUID();
    await appendItems(store, id, labels("x", 40));
    const writer = createDocStore({ db: pg.open(), logger: silentLogger, maxBatch: 4 });
    const [c1, c2] = [compactor({ minUpdates: 1 }), compactor({ minUpdates: 1 })];
    await Promise.all([
      appendItems(store, id, labels("y", 30)),
      c1.runOnce(),
      appendItems(writer, id, labels("z", 30)),
      c2.runOnce(),
      c1.runOnce().then(() => c2.runOnce()),
    ]);
    const expected = [...labels("x", 40), ...labels("y", 30), ...labels("z", 30)].sort();
    const loaded = await store.load(id);
    expect(loaded.seq).toBe(100);
    expect(itemsOf(loaded.doc)).toEqual(expected);
    expect(itemsOf(replay(await store.updatesSince(id, 0)))).toEqual(expected);
  });
});

describe("idle revisions", () => {
  it("writes one idle revision at the head of a document that is quiet, then none until it changes", async () => {
    const id = randomUUID();
    await store.writeContent(id, { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "quiet" }] }] }, "rest:u1");
    const idle = compactor({ idleRevisionMs: 0, minUpdates: 1_000 });
    expect((await idle.runOnce()).revisions).toBeGreaterThanOrEqual(1);
    const [revision] = await store.listRevisions(id);
    expect(revision).toMatchObject({ rev: 1, seq: 1, reason: "idle", userId: null });
    await idle.runOnce();
    expect(await store.listRevisions(id)).toHaveLength(1);
    const busy = compactor({ idleRevisionMs: 3_600_000, minUpdates: 1_000 });
    await appendItems(store, id, ["more"]);
    await busy.runOnce();
    expect(await store.listRevisions(id)).toHaveLength(1);
  });
});
