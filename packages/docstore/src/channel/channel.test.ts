import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { Redis } from "ioredis";
import { requireRedis, uniquePrefix } from "../../../../test/helpers/redis.js";
import { createDocStore } from "../createDocStore.js";
import { createMigratedDatabase, silentLogger, type MigratedDatabase } from "../test-support/database.js";
import type { DocStore, StoredUpdate, UpdateChannel } from "../types.js";
import { createUpdateChannel } from "./createUpdateChannel.js";
import { decodeUpdateMessage, documentChannelName, encodeUpdateMessage } from "./message.js";

let pg: MigratedDatabase;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  pg = await createMigratedDatabase("docstore_channel");
});
afterAll(async () => {
  for (const close of closers) await close();
  await pg?.drop();
});

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** Resolves with the first `count` updates the listener hears. */
function collect(channel: UpdateChannel, documentId: string, count: number): Promise<{ heard: Promise<StoredUpdate[]>; stop: () => Promise<void> }> {
  const heard: StoredUpdate[] = [];
  let done!: (u: StoredUpdate[]) => void;
  const all = new Promise<StoredUpdate[]>((resolve) => (done = resolve));
  return channel
    .subscribe(documentId, (u) => {
      heard.push(u);
      if (heard.length === count) done(heard);
    })
    .then((stop) => ({ heard: all, stop }));
}

function storeWith(redisUrl?: string): DocStore {
  const store = createDocStore({ db: pg.open(), logger: silentLogger, ...(redisUrl ? { redisUrl } : {}) });
  closers.push(() => store.channel.close());
  return store;
}

describe("update message", () => {
  it("carries document id, seq, origin and the update bytes, binary-safe", () => {
    const update = { documentId: randomUUID(), seq: 2 ** 40, origin: "rest:ü", update: new Uint8Array([0, 255, 10, 13, 0]) };
    expect(decodeUpdateMessage(encodeUpdateMessage(update))).toEqual(update);
    expect(decodeUpdateMessage(new Uint8Array([9, 1, 2]))).toBeNull();
    expect(decodeUpdateMessage(encodeUpdateMessage(update).slice(0, 10))).toBeNull();
    expect(documentChannelName("abc")).toBe("materi:docstore:doc:abc");
  });
});

describe("Redis update channel", () => {
  it("announces one store's appends to a follower of another store, in seq order", async () => {
    const url = await requireRedis();
    const [writer, follower] = [storeWith(url), storeWith(url)];
    const id = randomUUID();
    const { heard, stop } = await collect(follower.channel, id, 3);
    const other = await collect(follower.channel, randomUUID(), 1);
    const written = await Promise.all(["a", "b", "c"].map((t) => writer.append(id, textUpdate(t), `rest:${t}`)));
    const got = await heard;
    expect(got.map((u) => [u.seq, u.origin])).toEqual([
      [1, "rest:a"],
      [2, "rest:b"],
      [3, "rest:c"],
    ]);
    expect(got.map((u) => Array.from(u.update))).toEqual(written.map((u) => Array.from(u.update)));
    await stop();
    await other.stop();
  });

  it("stops delivering to an unsubscribed listener while keeping the others", async () => {
    const url = await requireRedis();
    const [writer, follower] = [storeWith(url), storeWith(url)];
    const id = randomUUID();
    const dropped: StoredUpdate[] = [];
    const stopDropped = await follower.channel.subscribe(id, (u) => dropped.push(u));
    const kept = await collect(follower.channel, id, 2);
    await writer.append(id, textUpdate("1"), "t");
    await stopDropped();
    await writer.append(id, textUpdate("2"), "t");
    expect((await kept.heard).map((u) => u.seq)).toEqual([1, 2]);
    // The kept listener heard seq 2 after the other was removed; the removed one stopped at 1 at most.
    expect(dropped.every((u) => u.seq === 1)).toBe(true);
    await kept.stop();
  });

  it("re-subscribes after its subscriber connection is killed, then calls onReconnect", async () => {
    const url = await requireRedis();
    const name = uniquePrefix("docstore").replace(/[^A-Za-z0-9:-]/g, "-");
    let reconnected!: () => void;
    const back = new Promise<void>((resolve) => (reconnected = resolve));
    const channel = createUpdateChannel({ redisUrl: url, logger: silentLogger, connectionName: name, onReconnect: () => reconnected() });
    closers.push(() => channel.close());
    const id = randomUUID();
    const { heard } = await collect(channel, id, 1);
    const admin = new Redis(url);
    try {
      const line = String(await admin.client("LIST")).split("\n").find((l) => l.includes(` name=${name}-sub `));
      const clientId = /\bid=(\d+)/.exec(line ?? "")?.[1];
      expect(clientId).toBeDefined();
      await admin.client("KILL", "ID", clientId!);
    } finally {
      admin.disconnect();
    }
    await back;
    await channel.publish({ documentId: id, seq: 7, origin: "t", update: textUpdate("after") });
    expect((await heard).map((u) => u.seq)).toEqual([7]);
  });
});

describe("in-process update channel", () => {
  it("is shared by every channel of the process, as api, relay and aria in one process need", async () => {
    const [writer, follower] = [storeWith(), storeWith()];
    const id = randomUUID();
    const { heard } = await collect(follower.channel, id, 2);
    await writer.append(id, textUpdate("x"), "ai:u1");
    await writer.writeContent(id, { type: "doc", content: [{ type: "paragraph" }] }, "rest:u1");
    expect((await heard).map((u) => [u.documentId, u.seq, u.origin])).toEqual([
      [id, 1, "ai:u1"],
      [id, 2, "rest:u1"],
    ]);
  });

  it("removes only its own listeners on close", async () => {
    const mine = createUpdateChannel({ logger: silentLogger });
    const theirs = createUpdateChannel({ logger: silentLogger });
    const id = randomUUID();
    const heardByMine: StoredUpdate[] = [];
    await mine.subscribe(id, (u) => heardByMine.push(u));
    const { heard } = await collect(theirs, id, 1);
    await mine.close();
    await theirs.publish({ documentId: id, seq: 1, origin: "t", update: textUpdate("x") });
    expect((await heard).map((u) => u.seq)).toEqual([1]);
    expect(heardByMine).toEqual([]);
    await theirs.close();
  });
});
