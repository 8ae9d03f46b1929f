import type { CollaborationEvent } from "@materi/contracts";
import { streamName, type DecodedEnvelope } from "@materi/events";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, makeWorkspace, sql } from "../api/documentFixtures.js";
import { newTestUser, type TestUser } from "../api/stack.js";
import { decodedEvents } from "../../helpers/streamEvents.js";
import fc from "fast-check";
import * as Y from "yjs";
import { authFrame, isSyncStatus, logRows, rawSocket, startTcpProxy, startTestIssuer, updateFrame } from "./relayFixtures.js";
import { connectProvider, startRelayStack, textOf, until, type ProviderClient, type RelayStack } from "./relayStack.js";

// One relay process behind a real stack: the protocol a single instance must keep (issue 7).

/** When (epoch ms, from its entry id) the first event matching `match` landed on the stream after `since`. */
async function streamedAt(stack: RelayStack, domain: "documents" | "users", since: string, match: (e: DecodedEnvelope) => boolean): Promise<number> {
  const redis = new Redis(stack.redisUrl);
  try {
    const entries = await redis.xrange(streamName(domain), since, "+");
    for (const [id] of entries) {
      const [decoded] = await decodedEvents(redis, domain, id);
      if (decoded && match(decoded)) return Number(id.split("-")[0]);
    }
    throw new Error(`no matching ${domain} event since ${since}`);
  } finally {
    redis.disconnect();
  }
}

describe("relay: one instance", () => {
  let stack: RelayStack;
  let owner: TestUser;
  let editor: TestUser;
  let viewer: TestUser;
  let workspaceId: string;
  const open: ProviderClient[] = [];
  const client = async (user: TestUser, documentId: string, url = stack.relays[0]!.wsUrl): Promise<ProviderClient> => {
    const c = await connectProvider({ url, documentId, token: user.token });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    stack = await startRelayStack({ relays: 1 });
    [owner, editor, viewer] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "editor"), newTestUser(stack, "viewer")]);
    workspaceId = await makeWorkspace(owner, [
      [editor, "editor"],
      [viewer, "viewer"],
    ]);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await stack?.close();
  });

  it("syncs two clients and acknowledges only what is in the log", async () => {
    const doc = await createDocument(owner, workspaceId, "Sync");
    const before = await logRows(stack, doc.id);
    const a = await client(editor, doc.id);
    const b = await client(owner, doc.id);
    expect(a.scope()).toBe("read-write");
    a.doc.getText("t").insert(0, "hello");
    b.doc.getText("t").insert(0, "world ");
    await Promise.all([a.acknowledged(), b.acknowledged()]);
    await until(() => textOf(a.doc) === textOf(b.doc) && textOf(a.doc).length === 11, 5_000, () => `${textOf(a.doc)} / ${textOf(b.doc)}`);
    expect(await logRows(stack, doc.id)).toBeGreaterThanOrEqual(before + 2);
  });

  it("does not acknowledge an update until the log accepts it (lock on docstore.updates)", async () => {
    const doc = await createDocument(owner, workspaceId, "Locked");
    const a = await client(editor, doc.id);
    const b = await client(owner, doc.id);
    const locker = new pg.Client({ connectionString: stack.database.url });
    await locker.connect();
    try {
      await locker.query("begin");
      await locker.query("lock table docstore.updates in exclusive mode");
      // One update (and one frame) per keystroke.
      const text = a.doc.getText("t");
      for (const ch of "durable") text.insert(text.length, ch);
      await new Promise((r) => setTimeout(r, 700));
      expect(a.provider.unsyncedChanges).toBeGreaterThan(0);
      // Not applied either: the other client has not seen it.
      expect(textOf(b.doc)).toBe("");
      await locker.query("commit");
      await a.acknowledged();
      await until(() => textOf(b.doc) === "durable", 5_000, () => textOf(b.doc));
      // The appends are pipelined: each starts as its frame arrives, so the seven share one or two
      // group commits (the first may already wait on the lock alone). Appending only when hocuspocus
      // dequeues a message would take one transaction each, seven in all.
      const rows = await sql<{ n: string; transactions: string }>(
        stack,
        "select count(*)::text as n, count(distinct xmin::text)::text as transactions from docstore.updates where document_id = $1 and origin = $2",
        [doc.id, `relay:${editor.id}`],
      );
      expect(rows[0]?.n).toBe("7");
      expect(Number(rows[0]?.transactions)).toBeLessThanOrEqual(2);
    } finally {
      await locker.end();
    }
  });

  it("gives a viewer a read-only connection: edits are neither applied, stored nor acknowledged", async () => {
    const doc = await createDocument(owner, workspaceId, "Viewer");
    const v = await client(viewer, doc.id);
    const o = await client(owner, doc.id);
    expect(v.scope()).toBe("readonly");
    const rows = await logRows(stack, doc.id);
    v.doc.getText("t").insert(0, "sneaky");
    o.doc.getText("t").insert(0, "real");
    await o.acknowledged();
    await new Promise((r) => setTimeout(r, 300));
    expect(v.provider.unsyncedChanges).toBeGreaterThan(0);
    expect(textOf(o.doc)).toBe("real");
    expect(await logRows(stack, doc.id)).toBe(rows + 1);
    const metrics = await (await fetch(`${stack.relays[0]!.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_edits_refused_total [1-9]/);
  });

  it("refuses a bad token with authentication failed and close 4401", async () => {
    const doc = await createDocument(owner, workspaceId, "Auth");
    const c = await connectProvider({ url: stack.relays[0]!.wsUrl, documentId: doc.id, token: "not-a-jwt", waitFor: "auth", reconnect: false });
    open.push(c);
    expect(c.failures.length).toBeGreaterThan(0);
    expect(c.scope()).toBeUndefined();
    await until(() => c.closes.length > 0, 5_000, () => "no close");
    expect(c.closes[0]?.code).toBe(4401);
  });

  it("refuses a user without access to the document", async () => {
    const stranger = await newTestUser(stack, "stranger");
    const doc = await createDocument(owner, workspaceId, "Private");
    const c = await connectProvider({ url: stack.relays[0]!.wsUrl, documentId: doc.id, token: stranger.token, waitFor: "auth", reconnect: false });
    open.push(c);
    expect(c.failures.length).toBeGreaterThan(0);
    expect(c.scope()).toBeUndefined();
  });

  it("delivers a REST write to a live client", async () => {
    const doc = await createDocument(owner, workspaceId, "Rest", "Start");
    const c = await client(editor, doc.id);
    const fragment = (): string => c.doc.getXmlFragment("default").toString();
    expect(fragment()).toContain("Start");
    const res = await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { content: "Written over REST" });
    expect(res.status, await res.clone().text()).toBe(200);
    await until(() => fragment().includes("Written over REST"), 5_000, fragment);
  });

  it("works through the gateway's /collab tunnel", async () => {
    const doc = await createDocument(owner, workspaceId, "Tunnel");
    const gatewayWs = `${stack.collabGateway.url.replace(/^http/, "ws")}/collab`;
    const a = await client(editor, doc.id, gatewayWs);
    const b = await client(owner, doc.id);
    a.doc.getText("t").insert(0, "via gateway");
    await a.acknowledged();
    await until(() => textOf(b.doc) === "via gateway", 5_000, () => textOf(b.doc));
  });

  it("lists sessions by document, user and instance on GET /internal/sessions (service key)", async () => {
    const doc = await createDocument(owner, workspaceId, "Sessions");
    await client(editor, doc.id);
    const relay = stack.relays[0]!;
    expect((await fetch(`${relay.url}/internal/sessions`)).status).toBe(401);
    type Listing = { sessions: { document_id: string; user_id: string; instance_id: string; scope: string }[]; by_document: Record<string, number> };
    let body: Listing = { sessions: [], by_document: {} };
    // The session is registered as the connection is set up, right around the first sync.
    await until(async () => {
      const res = await relay.internal("/internal/sessions");
      expect(res.status).toBe(200);
      body = (await res.json()) as Listing;
      return body.by_document[doc.id] !== undefined;
    }, 3_000);
    expect(body.sessions).toContainEqual(expect.objectContaining({ document_id: doc.id, user_id: editor.id, instance_id: relay.instanceId, scope: "read-write" }));
    expect(body.by_document[doc.id]).toBe(1);
  });

  it("closes or downgrades live sessions within a second of a permission change", async () => {
    const member = await newTestUser(stack, "member");
    const ws = await makeWorkspace(owner, [[member, "editor"]]);
    const doc = await createDocument(owner, ws, "Revocable");
    const c = await client(member, doc.id);
    expect(c.scope()).toBe("read-write");

    // Downgrade: editor -> viewer makes the connection read-only.
    const demoted = await owner.call("PATCH", `/api/v1/workspaces/${ws}/members/${member.id}`, { role: "viewer" });
    expect(demoted.status, await demoted.clone().text()).toBe(200);
    const demotedAt = Date.now();
    await until(
      async () => {
        c.doc.getText("t").insert(0, "x");
        await new Promise((r) => setTimeout(r, 100));
        return c.provider.unsyncedChanges > 0;
      },
      3_000,
      () => "edits still acknowledged",
    );
    expect(Date.now() - demotedAt).toBeLessThan(1_500);
    const rows = await logRows(stack, doc.id);
    c.doc.getText("t").insert(0, "refused");
    await new Promise((r) => setTimeout(r, 300));
    expect(await logRows(stack, doc.id)).toBe(rows);

    // Removal closes the session within a second of its event reaching the stream.
    const since = `${Date.now() - 1}-0`;
    const removed = await owner.call("DELETE", `/api/v1/workspaces/${ws}/members/${member.id}`);
    expect(removed.status, await removed.clone().text()).toBe(204);
    await until(() => c.closes.some((close) => close.code === 4403), 3_000, () => JSON.stringify(c.closes));
    const eventAt = await streamedAt(stack, "documents", since, (e) => e.eventType === "workspace.member_removed" && (e.payload as { userId?: string }).userId === member.id);
    expect(c.closes.find((close) => close.code === 4403)!.at - eventAt).toBeLessThan(1_000);
  });

  it("closes a deleted user's sessions (user.deleted)", async () => {
    const doomed = await newTestUser(stack, "doomed");
    const ws = await makeWorkspace(owner, [[doomed, "editor"]]);
    const doc = await createDocument(owner, ws, "Doomed");
    const c = await client(doomed, doc.id);
    const since = `${Date.now() - 1}-0`;
    const deleted = await doomed.call("DELETE", "/api/v1/users/me");
    expect(deleted.status, await deleted.clone().text()).toBe(204);
    await until(() => c.closes.some((close) => close.code === 4403), 5_000, () => JSON.stringify(c.closes));
    const eventAt = await streamedAt(stack, "users", since, (e) => e.eventType === "user.deleted" && (e.payload as { userId?: string }).userId === doomed.id);
    expect(c.closes.find((close) => close.code === 4403)!.at - eventAt).toBeLessThan(1_000);
  });

  it("refuses an expired token (validly signed) with close 4401 and accepts a fresh one from the same issuer", async () => {
    const issuer = await startTestIssuer();
    try {
      const relay = await stack.addRelay({ JWKS_URL: issuer.jwksUrl });
      const doc = await createDocument(owner, workspaceId, "Expiry");
      const expired = await connectProvider({ url: relay.wsUrl, documentId: doc.id, token: await issuer.token(editor.id, { expiresInS: -60 }), waitFor: "auth", reconnect: false });
      open.push(expired);
      expect(expired.scope()).toBeUndefined();
      await until(() => expired.closes.some((c) => c.code === 4401), 5_000, () => JSON.stringify(expired.closes));
      const fresh = await connectProvider({ url: relay.wsUrl, documentId: doc.id, token: await issuer.token(editor.id, { expiresInS: 300 }) });
      open.push(fresh);
      expect(fresh.scope()).toBe("read-write");
    } finally {
      await issuer.close();
    }
  });

  it("closes a connection sending a 10 MiB frame (1009) and no other", async () => {
    const doc = await createDocument(owner, workspaceId, "Big");
    const bystander = await client(owner, doc.id);
    const big = await rawSocket(stack.relays[0]!.wsUrl);
    big.ws.send(new Uint8Array(10 * 1024 * 1024));
    expect(await big.closed).toBe(1009);
    bystander.doc.getText("t").insert(0, "still here");
    await bystander.acknowledged();
    const later = await client(editor, doc.id);
    expect(textOf(later.doc)).toBe("still here");
  });

  it("survives fuzzed frames and updates: each bad connection is closed, the document stays loadable", async () => {
    const doc = await createDocument(owner, workspaceId, "Fuzz");
    const relay = stack.relays[0]!;
    const valid = new Y.Doc();
    valid.getText("t").insert(0, "ok");
    const validUpdate = Y.encodeStateAsUpdate(valid);
    const frames = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 200 }).map((update) => updateFrame(doc.id, update)),
      fc.uint8Array({ minLength: 1, maxLength: 200 }),
      // A valid update with bytes flipped.
      fc.tuple(fc.nat(validUpdate.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, flip]) => {
        const bytes = validUpdate.slice();
        bytes[at] = (bytes[at] ?? 0) ^ flip;
        return updateFrame(doc.id, bytes);
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frames, { minLength: 1, maxLength: 5 }), async (batch) => {
        const socket = await rawSocket(relay.wsUrl);
        socket.ws.send(authFrame(doc.id, editor.token));
        for (const frame of batch) socket.ws.send(frame);
        // Then a valid update: its acknowledgement (frames are handled in order) or the socket's
        // close shows every fuzzed frame was handled; the server neither crashed nor hangs.
        socket.ws.send(updateFrame(doc.id, validUpdate));
        await until(() => socket.messages.some(isSyncStatus) || socket.ws.readyState !== socket.ws.OPEN, 5_000, () => "no answer");
        socket.ws.terminate();
        const health = await fetch(`${relay.url}/healthz`);
        return health.ok;
      }),
      { numRuns: 40 },
    );
    const c = await client(owner, doc.id);
    c.doc.getText("t").insert(0, "after fuzz");
    await c.acknowledged();
    const d = await client(editor, doc.id);
    expect(textOf(d.doc)).toContain("after fuzz");
  });

  it("publishes a CollaborationEvent per accepted update (seq as vector clock) and sampled presence", async () => {
    const redis = new Redis(stack.redisUrl);
    try {
      const since = `${Date.now() - 1}-0`;
      const doc = await createDocument(owner, workspaceId, "Events");
      const c = await client(editor, doc.id);
      c.provider.setAwarenessField("cursor", { anchor: 1, head: 1 });
      for (const word of ["one", "two", "three"]) {
        c.doc.getText("t").insert(0, word);
        await c.acknowledged();
      }
      const seqs = (await sql<{ seq: string }>(stack, "select seq::text from docstore.updates where document_id = $1 and origin = $2 order by seq", [doc.id, `relay:${editor.id}`])).map((r) => BigInt(r.seq));
      expect(seqs).toHaveLength(3);
      let mine: CollaborationEvent[] = [];
      await until(async () => {
        mine = (await decodedEvents(redis, "collaboration", since)).map((e) => e.payload as CollaborationEvent).filter((p) => p.documentId === doc.id);
        return mine.filter((p) => p.operationType === "edit").length === 3 && mine.some((p) => p.operationType === "cursor");
      }, 5_000, () => JSON.stringify(mine.map((p) => p.operationType)));
      const edits = mine.filter((p) => p.operationType === "edit");
      expect(edits.map((p) => p.vectorClock)).toEqual(seqs);
      for (const edit of edits) {
        expect(edit.userId).toBe(editor.id);
        expect(edit.sessionId).not.toBe("");
        const replay = new Y.Doc();
        Y.applyUpdate(replay, edit.crdtOperation);
      }
      // Sampled: one cursor event for this session within the sampling window, not one per change.
      c.provider.setAwarenessField("cursor", { anchor: 2, head: 2 });
      await new Promise((r) => setTimeout(r, 300));
      const cursors = (await decodedEvents(redis, "collaboration", since)).filter((e) => (e.payload as CollaborationEvent).documentId === doc.id && e.eventType !== "collaboration.edit");
      expect(cursors).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });

  it("serves recently granted permissions from its cache while the api is unreachable (local cache)", async () => {
    const proxy = await startTcpProxy(stack.api.url);
    const relay = await stack.addRelay({ API_URL: proxy.url });
    const doc = await createDocument(owner, workspaceId, "Api down");
    const first = await connectProvider({ url: relay.wsUrl, documentId: doc.id, token: editor.token });
    first.close();
    await proxy.close();
    const cached = await connectProvider({ url: relay.wsUrl, documentId: doc.id, token: editor.token });
    open.push(cached);
    expect(cached.scope()).toBe("read-write");
    // Never granted by this relay: nothing to fall back on.
    const unknown = await connectProvider({ url: relay.wsUrl, documentId: doc.id, token: viewer.token, waitFor: "auth", reconnect: false });
    open.push(unknown);
    expect(unknown.scope()).toBeUndefined();
    expect(unknown.failures.length).toBeGreaterThan(0);
  });

  it("closes a connection whose edit would take the document past its size cap (4413), storing nothing", async () => {
    const relay = await stack.addRelay({ RELAY_MAX_DOCUMENT_BYTES: "4096" });
    const doc = await createDocument(owner, workspaceId, "Capped");
    const c = await connectProvider({ url: relay.wsUrl, documentId: doc.id, token: editor.token, reconnect: false });
    open.push(c);
    c.doc.getText("t").insert(0, "small");
    await c.acknowledged();
    const rows = await logRows(stack, doc.id);
    c.doc.getText("t").insert(0, "x".repeat(8_000));
    await until(() => c.closes.some((close) => close.code === 4413), 5_000, () => JSON.stringify(c.closes));
    expect(await logRows(stack, doc.id)).toBe(rows);
  });

  it("closes the connection when an update cannot be stored; the provider resends it after reconnecting", async () => {
    const doc = await createDocument(owner, workspaceId, "Storage down");
    const a = await client(editor, doc.id);
    const b = await client(owner, doc.id);
    // Every append fails while this constraint stands.
    await sql(stack, "alter table docstore.updates add constraint relay_test_refuse check (octet_length(update) < 0) not valid");
    try {
      a.doc.getText("t").insert(0, "kept");
      await until(() => a.closes.some((close) => close.code === 4500), 5_000, () => JSON.stringify(a.closes));
      expect(a.provider.unsyncedChanges).toBeGreaterThan(0);
      expect(textOf(b.doc)).toBe("");
    } finally {
      await sql(stack, "alter table docstore.updates drop constraint relay_test_refuse");
    }
    await a.acknowledged(10_000);
    await until(() => textOf(b.doc) === "kept", 5_000, () => textOf(b.doc));
    expect(await logRows(stack, doc.id)).toBeGreaterThanOrEqual(1);
  });
});
