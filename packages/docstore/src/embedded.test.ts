import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase, runMigrations, startEmbeddedPostgres, type Database, type EmbeddedPostgres } from "@materi/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { startCompactor } from "./compactor/startCompactor.js";
import { createDocStore } from "./createDocStore.js";
import { docstoreMigrations } from "./store/migrations.js";
import { silentLogger } from "./test-support/database.js";
import type { DocStore, ProseMirrorJSON } from "./types.js";

// Embedded PGlite (npm start without DATABASE_URL): one session behind the socket, statements
// serialized by the Database's gate. Concurrency is proven against the real PostgreSQL elsewhere;
// this proves the same code paths work here at all.
const POOL_SIZE = 3;
let dataDir: string;
let server: EmbeddedPostgres;
let db: Database;
let store: DocStore;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "materi-docstore-"));
  server = await startEmbeddedPostgres({ dataDir, maxConnections: POOL_SIZE });
  db = createDatabase({ url: server.url, embedded: true, poolSize: POOL_SIZE });
  await runMigrations(db, { owner: "docstore", migrations: docstoreMigrations });
  store = createDocStore({ db, logger: silentLogger });
  // initdb of a fresh PGlite takes tens of seconds on two busy cores: more than the default hook timeout.
}, 180_000);
afterAll(async () => {
  await store?.channel.close();
  await db?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const paragraphs = (...texts: string[]): ProseMirrorJSON => ({
  type: "doc",
  content: texts.map((t) => ({ type: "paragraph", content: [{ type: "text", text: t }] })),
});

describe("docstore on embedded PGlite", () => {
  it("appends with gap-free seqs, loads, writes content, compacts and restores", async () => {
    const id = randomUUID();
    const updates = Array.from({ length: 20 }, (_, i) => {
      const client = new Y.Doc();
      client.getArray<number>("n").push([i]);
      return Y.encodeStateAsUpdate(client);
    });
    const seqs = (await Promise.all(updates.map((u) => store.append(id, u, "test")))).map((s) => s.seq);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await store.load(id)).doc.getArray("n").length).toBe(20);

    const doc = randomUUID();
    expect((await store.writeContent(doc, paragraphs("one", "two"), "rest:u1"))?.seq).toBe(1);
    const saved = await store.saveRevision(doc, "save", "u1");
    expect((await store.writeContent(doc, paragraphs("one", "two, edited"), "rest:u1"))?.seq).toBe(2);
    expect(await store.writeContent(doc, paragraphs("one", "two, edited"), "rest:u1")).toBeNull();
    expect((await store.readContent(doc)).markdown).toBe("one\n\ntwo, edited");

    const compactor = startCompactor({ db, logger: silentLogger, intervalMs: 3_600_000, minUpdates: 2, retentionMs: 0 });
    try {
      const [run] = await Promise.all([compactor.runOnce(), store.append(id, updates[0]!, "test")]);
      expect(run.compacted).toBeGreaterThanOrEqual(1);
    } finally {
      await compactor.stop();
    }
    expect((await store.load(id)).seq).toBe(21);
    expect(await store.restoreRevision(doc, saved.rev, "u1")).toMatchObject({ seq: 3 });
    expect((await store.readContent(doc)).json).toEqual(paragraphs("one", "two"));
  });
});
