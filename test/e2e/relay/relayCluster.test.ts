import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createDocument, makeWorkspace, sql } from "../api/documentFixtures.js";
import { newTestUser, type TestUser } from "../api/stack.js";
import { appendUnannounced } from "./relayFixtures.js";
import { connectProvider, startRelayStack, textOf, until, type ProviderClient, type RelayStack } from "./relayStack.js";

// Two relay processes on one database and Redis: fan-out with seq, gap healing, crash safety.

describe("relay: two instances", () => {
  let stack: RelayStack;
  let owner: TestUser;
  let editor: TestUser;
  let workspaceId: string;
  const open: ProviderClient[] = [];
  const client = async (user: TestUser, documentId: string, relay: number): Promise<ProviderClient> => {
    const c = await connectProvider({ url: stack.relays[relay]!.wsUrl, documentId, token: user.token });
    open.push(c);
    return c;
  };

  /** A client on each relay, then an append of `text` whose announcement never went out (written straight to the log, head bumped). */
  const clientsMissing = async (text: string): Promise<{ a: ProviderClient; b: ProviderClient }> => {
    const doc = await createDocument(owner, workspaceId, "Lost announcement");
    const a = await client(editor, doc.id, 0);
    const b = await client(owner, doc.id, 1);
    const lost = new Y.Doc();
    lost.getText("t").insert(0, text);
    await appendUnannounced(stack, doc.id, Y.encodeStateAsUpdate(lost));
    expect(textOf(a.doc)).toBe("");
    return { a, b };
  };

  beforeAll(async () => {
    stack = await startRelayStack({ relays: 2 });
    [owner, editor] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "editor")]);
    workspaceId = await makeWorkspace(owner, [[editor, "editor"]]);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await stack?.close();
  });

  it("converges two clients on two relay processes", async () => {
    const doc = await createDocument(owner, workspaceId, "Two relays");
    const a = await client(editor, doc.id, 0);
    const b = await client(owner, doc.id, 1);
    for (let i = 0; i < 20; i += 1) {
      a.doc.getText("t").insert(0, "a");
      b.doc.getText("t").insert(0, "b");
    }
    await Promise.all([a.acknowledged(), b.acknowledged()]);
    await until(() => textOf(a.doc).length === 40 && textOf(a.doc) === textOf(b.doc), 5_000, () => `${textOf(a.doc)} / ${textOf(b.doc)}`);
  });

  it("carries awareness (cursors, presence) across instances, and its removal", async () => {
    const doc = await createDocument(owner, workspaceId, "Awareness");
    const a = await client(editor, doc.id, 0);
    const b = await client(owner, doc.id, 1);
    a.provider.setAwarenessField("user", { name: "Ada" });
    const seen = (): boolean => [...b.provider.awareness!.getStates().values()].some((state) => (state["user"] as { name?: string } | undefined)?.name === "Ada");
    await until(seen, 5_000, () => JSON.stringify([...b.provider.awareness!.getStates().values()]));
    a.close();
    await until(() => !seen(), 5_000, () => "Ada still present");
  });

  it("heals a lost fan-out message (a seq gap) by reading the log", async () => {
    const { a, b } = await clientsMissing("lost ");
    // The next announced append carries seq head+2: both relays notice and read the log.
    a.doc.getText("t").insert(0, "next");
    await a.acknowledged();
    for (const c of [a, b]) await until(() => textOf(c.doc).includes("lost") && textOf(c.doc).includes("next"), 5_000, () => textOf(c.doc));
    const metrics = await (await fetch(`${stack.relays[1]!.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_resyncs_total\{reason="gap"\} [1-9]/);
  });

  it("heals a lost announcement of a document's last update within seconds (periodic head check)", async () => {
    const { a, b } = await clientsMissing("last words");
    // Nothing follows it: only the head check (every 2 s, acting on a reading one interval old) can notice.
    for (const c of [a, b]) await until(() => textOf(c.doc) === "last words", 8_000, () => textOf(c.doc));
    for (const relay of stack.relays) {
      const metrics = await (await fetch(`${relay.url}/metrics`)).text();
      expect(metrics).toMatch(/relay_resyncs_total\{reason="head"\} [1-9]/);
    }
  });

  it("loses no acknowledged update when a relay is killed (-9) mid-typing", async () => {
    const doc = await createDocument(owner, workspaceId, "Crash");
    const victim = stack.relays[0]!;
    const typist = await connectProvider({ url: victim.wsUrl, documentId: doc.id, token: editor.token, reconnect: false });
    open.push(typist);
    // The provider counts the handshake as one unsynced change; its acknowledgement is not an
    // update's. Count from a settled connection, so each drop below is one update acknowledged.
    await typist.acknowledged();
    let acked = 0;
    let last = typist.provider.unsyncedChanges;
    typist.provider.on("unsyncedChanges", ({ number }: { number: number }) => {
      if (number < last) acked += last - number;
      last = number;
    });
    const tokens: string[] = [];
    const typing = setInterval(() => {
      const token = `<${String(tokens.length).padStart(4, "0")}>`;
      tokens.push(token);
      typist.doc.getText("t").insert(typist.doc.getText("t").length, token);
    }, 3);
    await until(() => acked >= 50, 10_000, () => `acked ${acked}`);
    await victim.kill();
    clearInterval(typing);
    const ackedAtKill = acked;
    typist.close();

    const rows = await sql<{ n: string }>(stack, "select count(*)::text as n from docstore.updates where document_id = $1 and origin = $2", [doc.id, `relay:${editor.id}`]);
    const logged = Number(rows[0]?.n);
    expect(logged).toBeGreaterThanOrEqual(ackedAtKill);
    expect(logged).toBeLessThanOrEqual(tokens.length);
    // A client on the surviving relay sees every acknowledged keystroke.
    const reader = await client(owner, doc.id, 1);
    const text = textOf(reader.doc);
    for (const token of tokens.slice(0, ackedAtKill)) expect(text).toContain(token);
  });
});
