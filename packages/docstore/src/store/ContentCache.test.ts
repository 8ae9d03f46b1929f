import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCompactor } from "../compactor/startCompactor.js";
import { createDocStore } from "../createDocStore.js";
import { createMigratedDatabase, silentLogger, type MigratedDatabase } from "../test-support/database.js";
import type { DocStore, ProseMirrorJSON } from "../types.js";

let pg: MigratedDatabase;

beforeAll(async () => {
  pg = await createMigratedDatabase("docstore_cache");
});
afterAll(async () => {
  await pg?.drop();
});

const paragraphs = (...texts: string[]): ProseMirrorJSON => ({
  type: "doc",
  content: texts.map((t) => ({ type: "paragraph", content: [{ type: "text", text: t }] })),
});

describe("readContent's cache", () => {
  it("sees every write, from this store or another process's, and compaction", async () => {
    const reader: DocStore = createDocStore({ db: pg.db, logger: silentLogger });
    const writer: DocStore = createDocStore({ db: pg.open(), logger: silentLogger });
    const id = randomUUID();
    expect((await reader.readContent(id)).seq).toBe(0);
    await writer.writeContent(id, paragraphs("one"), "rest:a");
    expect(await reader.readContent(id)).toMatchObject({ seq: 1, text: "one" });
    await reader.writeContent(id, paragraphs("one", "two"), "rest:a");
    expect(await reader.readContent(id)).toMatchObject({ seq: 2, markdown: "one\n\ntwo" });
    for (let i = 3; i <= 12; i++) await writer.writeContent(id, paragraphs("one", "two", `n${i}`), "rest:b");
    // Folded and pruned past the cached seq: the next read starts from the snapshot.
    const compactor = startCompactor({ db: pg.db, logger: silentLogger, intervalMs: 3_600_000, minUpdates: 2, retentionMs: 0 });
    await compactor.runOnce();
    await compactor.stop();
    await writer.writeContent(id, paragraphs("one", "two", "last"), "rest:b");
    expect(await reader.readContent(id)).toMatchObject({ seq: 13, text: "one\n\ntwo\n\nlast" });
    await reader.purge(id);
    expect((await reader.readContent(id)).seq).toBe(0);
    await Promise.all([reader.channel.close(), writer.channel.close()]);
  });

  it("hands out frozen answers: no caller can change what later callers read", async () => {
    const store = createDocStore({ db: pg.db, logger: silentLogger });
    const id = randomUUID();
    await store.writeContent(id, paragraphs("kept"), "rest:a");
    const first = await store.readContent(id);
    expect(() => {
      first.json.content = [];
    }).toThrow(TypeError);
    expect((await store.readContent(id)).json.content).toHaveLength(1);
    await store.channel.close();
  });
});
