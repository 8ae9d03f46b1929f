import { randomUUID } from "node:crypto";
import type { Database } from "@materi/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { InvalidContentError, InvalidUpdateError, RevisionNotFoundError } from "./content/errors.js";
import { createDocStore, type DocStoreOptions } from "./createDocStore.js";
import { createMigratedDatabase, silentLogger, type MigratedDatabase } from "./test-support/database.js";
import type { DocStore, ProseMirrorJSON } from "./types.js";

let pg: MigratedDatabase;
let store: DocStore;

beforeAll(async () => {
  pg = await createMigratedDatabase("docstore_store");
  store = open(pg.db);
});
afterAll(async () => {
  await pg?.drop();
});

function open(db: Database, extra: Partial<DocStoreOptions> = {}): DocStore {
  return createDocStore({ db, logger: silentLogger, ...extra });
}

/** A Yjs update inserting `text` into a fresh client's Y.Text. */
function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

const paragraphs = (...texts: string[]): ProseMirrorJSON => ({
  type: "doc",
  content: texts.map((t) => ({ type: "paragraph", content: [{ type: "text", text: t }] })),
});

describe("append", () => {
  it("gives 100 concurrent appends from two processes' pools the seqs 1..100 exactly", async () => {
    // Small batches, so the two stores' transactions interleave on the document's head row.
    const [one, two] = [open(pg.open(), { maxBatch: 5 }), open(pg.open(), { maxBatch: 5 })];
    const id = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? one : two).append(id, textUpdate(`u${i}`), `test:${i}`)),
    );
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Each caller got the seq its own update is stored under.
    const log = await store.updatesSince(id, 0);
    expect(log.map((u) => u.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const r of results) expect(log[r.seq - 1]?.origin).toBe(r.origin);
  });

  it("group-commits: appends made together share one statement and commit, each with its own seq", async () => {
    const batches: number[] = [];
    const grouped = open(pg.db, { onBatch: (size) => batches.push(size) });
    const [a, b] = [randomUUID(), randomUUID()];
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => grouped.append(i % 2 ? a : b, textUpdate(`g${i}`), "test")));
    expect(batches).toEqual([40]);
    expect(results.filter((r) => r.documentId === a).map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const commits = await countingCommits(async (db) => {
      const counted = open(db);
      await Promise.all(Array.from({ length: 30 }, () => counted.append(a, textUpdate("x"), "test")));
    });
    expect(commits).toBe(1);
  });

  it("gathers the appends arriving while a commit is in flight into the next one", async () => {
    const batches: number[] = [];
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The first append statement is held back until the test has queued the rest.
    const held: Database = Object.assign(Object.create(pg.db) as Database, {
      query: async (sql: string, params?: unknown[]) => {
        if (isAppend(sql) && batches.length === 1) {
          started();
          await released;
        }
        return pg.db.query(sql, params);
      },
    });
    const grouped = open(held, { onBatch: (size) => batches.push(size) });
    const id = randomUUID();
    const first = grouped.append(id, textUpdate("first"), "test");
    await firstStarted;
    const rest = Array.from({ length: 10 }, () => grouped.append(id, textUpdate("later"), "test"));
    release();
    const seqs = (await Promise.all([first, ...rest])).map((r) => r.seq);
    expect(batches).toEqual([1, 10]);
    expect(seqs).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  });

  it("caps a batch by bytes, a larger update still going alone", async () => {
    const batches: number[] = [];
    const capped = open(pg.db, { maxBatchBytes: 1_000, onBatch: (size) => batches.push(size) });
    const id = randomUUID();
    const big = textUpdate("x".repeat(1_500));
    const small = textUpdate("y".repeat(300));
    await Promise.all([capped.append(id, big, "t"), capped.append(id, small, "t"), capped.append(id, small, "t"), capped.append(id, small, "t")]);
    expect(batches).toEqual([1, 3]);
  });

  it("rejects every caller of a failed batch and stores nothing, leaving no seq gap", async () => {
    const id = randomUUID();
    const failing = open(failingOnCommit(pg.db));
    const attempts = Array.from({ length: 5 }, () => failing.append(id, textUpdate("lost"), "test"));
    for (const attempt of attempts) await expect(attempt).rejects.toThrow("injected failure");
    expect(await store.updatesSince(id, 0)).toEqual([]);
    expect((await pg.db.query("select 1 from docstore.heads where document_id = $1", [id])).rowCount).toBe(0);
    expect((await store.append(id, textUpdate("kept"), "test")).seq).toBe(1);
  });

  it("reads the heads of many documents at once, leaving out those without updates", async () => {
    const [a, b, none] = [randomUUID(), randomUUID(), randomUUID()];
    await Promise.all([store.append(a, textUpdate("a1"), "test"), store.append(a, textUpdate("a2"), "test"), store.append(b, textUpdate("b1"), "test")]);
    expect(await store.heads([a, b, none])).toEqual(new Map([[a, 2], [b, 1]]));
    expect(await store.heads([])).toEqual(new Map());
  });

  it("refuses bytes that are not a Yjs update, a bad id or origin, storing nothing", async () => {
    const id = randomUUID();
    await expect(store.append(id, new Uint8Array([1, 2, 3, 4, 5]), "test")).rejects.toThrow(InvalidUpdateError);
    await expect(store.append(id, new Uint8Array([7, 7, 7, 7, 7, 7]), "test")).rejects.toThrow(/not a Yjs update/);
    await expect(store.append(id, new Uint8Array(), "test")).rejects.toThrow(InvalidUpdateError);
    await expect(store.append("not-a-uuid", textUpdate("x"), "test")).rejects.toThrow(/not a UUID/);
    await expect(store.append(id, textUpdate("x"), "")).rejects.toThrow(InvalidUpdateError);
    expect(await store.updatesSince(id, 0)).toEqual([]);
  });
});

describe("load and updatesSince", () => {
  it("folds every update into the doc and answers the updates after a seq", async () => {
    const id = randomUUID();
    expect((await store.load(id)).seq).toBe(0);
    const client = new Y.Doc();
    client.getText("t").insert(0, "hello");
    await store.append(id, Y.encodeStateAsUpdate(client), "relay:u1");
    const sv = Y.encodeStateVector(client);
    client.getText("t").insert(5, " world");
    await store.append(id, Y.encodeStateAsUpdate(client, sv), "relay:u1");
    const loaded = await store.load(id);
    expect(loaded.seq).toBe(2);
    expect(loaded.doc.getText("t").toString()).toBe("hello world");
    const since = await store.updatesSince(id.toUpperCase(), 1);
    expect(since.map((u) => [u.documentId, u.seq, u.origin])).toEqual([[id, 2, "relay:u1"]]);
  });
});

describe("content", () => {
  it("writes JSON and reads it back as JSON, Markdown and text; an unchanged write stores nothing", async () => {
    const id = randomUUID();
    const stored = await store.writeContent(id, paragraphs("Hello **there**", "second"), "rest:u1");
    expect(stored?.seq).toBe(1);
    const content = await store.readContent(id);
    expect(content.json).toEqual(paragraphs("Hello **there**", "second"));
    expect(content.markdown).toBe("Hello \\*\\*there\\*\\*\n\nsecond");
    expect(content.text).toBe("Hello **there**\n\nsecond");
    expect(content.seq).toBe(1);
    expect(await store.writeContent(id, paragraphs("Hello **there**", "second"), "rest:u1")).toBeNull();
  });

  it("refuses JSON that does not fit the schema, storing nothing", async () => {
    const id = randomUUID();
    await expect(store.writeContent(id, { type: "doc", content: [{ type: "table" }] }, "rest:u1")).rejects.toThrow(InvalidContentError);
    expect((await store.load(id)).seq).toBe(0);
  });

  it("merges a REST rewrite of paragraph 1 with a live edit of paragraph 2", async () => {
    const id = randomUUID();
    await store.writeContent(id, paragraphs("first paragraph", "second paragraph"), "rest:u1");
    const olderJson = (await store.readContent(id)).json;

    // Client A: a separate Y.Doc synced from the store, typing into paragraph 2 (not yet stored).
    const clientA = new Y.Doc();
    for (const u of await store.updatesSince(id, 0)) Y.applyUpdate(clientA, u.update);
    const beforeTyping = Y.encodeStateVector(clientA);
    const secondText = (clientA.getXmlFragment("default").get(1) as Y.XmlElement).get(0) as Y.XmlText;
    secondText.insert("second paragraph".length, " typed by A");
    const typing = Y.encodeStateAsUpdate(clientA, beforeTyping);

    // Meanwhile REST rewrites paragraph 1 from the older JSON, which still has the old paragraph 2.
    const rewritten = structuredClone(olderJson);
    rewritten.content![0]!.content = [{ type: "text", text: "first paragraph, rewritten over REST" }];
    const rest = await store.writeContent(id, rewritten, "rest:u2");
    expect(rest).not.toBeNull();

    // Exchange: A's typing reaches the store, the REST update reaches A.
    await store.append(id, typing, "relay:a");
    Y.applyUpdate(clientA, rest!.update);

    const expected = paragraphs("first paragraph, rewritten over REST", "second paragraph typed by A");
    expect((await store.readContent(id)).json).toEqual(expected);
    const serverDoc = (await store.load(id)).doc;
    expect(serverDoc.getXmlFragment("default").toJSON()).toBe(clientA.getXmlFragment("default").toJSON());
  });
});

describe("revisions", () => {
  it("saves, lists newest first with a cursor, and gets a revision with its content", async () => {
    const id = randomUUID();
    await store.writeContent(id, paragraphs("v1"), "rest:u1");
    const r1 = await store.saveRevision(id, "created", "u1");
    await store.writeContent(id, paragraphs("v2"), "rest:u1");
    const r2 = await store.saveRevision(id, "save", "u1");
    await store.writeContent(id, paragraphs("v3"), "rest:u1");
    const r3 = await store.saveRevision(id, "save", null);
    expect([r1.rev, r2.rev, r3.rev]).toEqual([1, 2, 3]);
    expect(r2).toMatchObject({ documentId: id, seq: 2, reason: "save", userId: "u1" });
    expect((await store.listRevisions(id)).map((r) => r.rev)).toEqual([3, 2, 1]);
    expect((await store.listRevisions(id, { beforeRev: 3, limit: 1 })).map((r) => r.rev)).toEqual([2]);
    const got = await store.getRevision(id, 1);
    expect(got?.content.json).toEqual(paragraphs("v1"));
    expect(got?.content.seq).toBe(1);
    expect(await store.getRevision(id, 99)).toBeNull();
  });

  it("restores a revision as a new change that keeps a later edit's merge, and records a restore revision", async () => {
    const id = randomUUID();
    await store.writeContent(id, paragraphs("original one", "original two"), "rest:u1");
    const saved = await store.saveRevision(id, "save", "u1");
    await store.writeContent(id, paragraphs("changed one", "original two"), "rest:u1");
    const headBefore = (await store.load(id)).seq;

    const restored = await store.restoreRevision(id, saved.rev, "u9");
    expect(restored).toMatchObject({ seq: headBefore + 1, origin: "restore:u9" });
    expect((await store.readContent(id)).json).toEqual(paragraphs("original one", "original two"));
    const [latest] = await store.listRevisions(id, { limit: 1 });
    expect(latest).toMatchObject({ reason: "restore", userId: "u9", seq: headBefore + 1 });
    expect(await store.restoreRevision(id, saved.rev, "u9")).toBeNull();
    await expect(store.restoreRevision(id, 42, "u9")).rejects.toThrow(RevisionNotFoundError);
  });

  it("keeps a concurrent edit in another paragraph made while the restore was computed", async () => {
    const id = randomUUID();
    await store.writeContent(id, paragraphs("alpha", "beta"), "rest:u1");
    const saved = await store.saveRevision(id, "save", "u1");
    await store.writeContent(id, paragraphs("alpha changed", "beta"), "rest:u1");
    // An editor synced now types into paragraph 2; its update lands after the restore.
    const editor = new Y.Doc();
    for (const u of await store.updatesSince(id, 0)) Y.applyUpdate(editor, u.update);
    const sv = Y.encodeStateVector(editor);
    ((editor.getXmlFragment("default").get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(4, " typed");
    await store.restoreRevision(id, saved.rev, "u9");
    await store.append(id, Y.encodeStateAsUpdate(editor, sv), "relay:e");
    expect((await store.readContent(id)).json).toEqual(paragraphs("alpha", "beta typed"));
  });
});

describe("purge", () => {
  it("removes the log, snapshot, revisions and head of one document only", async () => {
    const [gone, kept] = [randomUUID(), randomUUID()];
    for (const id of [gone, kept]) {
      await store.writeContent(id, paragraphs("text"), "rest:u1");
      await store.saveRevision(id, "save", null);
    }
    await store.purge(gone);
    expect(await store.load(gone)).toMatchObject({ seq: 0 });
    expect(await store.listRevisions(gone)).toEqual([]);
    expect((await store.load(kept)).seq).toBe(1);
    expect((await store.append(gone, textUpdate("again"), "test")).seq).toBe(1);
  });
});

/** The group committer's statement: a head bump and the rows' insert, committed on its own. */
const isAppend = (sql: string) => sql.includes("insert into docstore.updates");

/** Commits of appends made on a wrapped Database while `body` runs (each append statement autocommits). */
async function countingCommits(body: (db: Database) => Promise<void>): Promise<number> {
  let commits = 0;
  const db: Database = Object.assign(Object.create(pg.db) as Database, {
    query: async (sql: string, params?: unknown[]) => {
      const result = await pg.db.query(sql, params);
      if (isAppend(sql)) commits++;
      return result;
    },
  });
  await body(db);
  return commits;
}

/** `db` whose append statements run, then fail before their commit. */
function failingOnCommit(db: Database): Database {
  return Object.assign(Object.create(db) as Database, {
    query: (sql: string, params?: unknown[]) =>
      isAppend(sql)
        ? db.transaction(async (tx) => {
            await tx.query(sql, params);
            throw new Error("injected failure");
          })
        : db.query(sql, params),
  });
}
