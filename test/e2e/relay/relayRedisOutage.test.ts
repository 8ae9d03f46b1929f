import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, makeWorkspace } from "../api/documentFixtures.js";
import { newTestUser, type TestUser } from "../api/stack.js";
import { startPrivateRedis, type PrivateRedis } from "../../helpers/privateRedis.js";
import { connectProvider, startRelayStack, textOf, until, type ProviderClient, type RelayStack } from "./relayStack.js";

// Two relays whose Redis (fan-out, sessions) is a private one this test stops and restarts empty.

describe("relay: Redis outage under two instances", () => {
  let redis: PrivateRedis;
  let stack: RelayStack;
  let owner: TestUser;
  let editor: TestUser;
  let workspaceId: string;
  const open: ProviderClient[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    stack = await startRelayStack({ relays: 2, relayEnv: { REDIS_URL: redis.url } });
    [owner, editor] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "editor")]);
    workspaceId = await makeWorkspace(owner, [[editor, "editor"]]);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await stack?.close();
    await redis?.dispose();
  });

  it("keeps serving each instance's clients while Redis is down and loses nothing once it is back", async () => {
    const doc = await createDocument(owner, workspaceId, "Outage");
    const a = await connectProvider({ url: stack.relays[0]!.wsUrl, documentId: doc.id, token: editor.token });
    const b = await connectProvider({ url: stack.relays[1]!.wsUrl, documentId: doc.id, token: owner.token });
    open.push(a, b);
    a.doc.getText("t").insert(0, "before ");
    await until(() => textOf(b.doc) === "before ", 5_000, () => textOf(b.doc));

    await redis.stop();
    a.doc.getText("t").insert(textOf(a.doc).length, "[a-during]");
    b.doc.getText("t").insert(0, "[b-during]");
    // Durable (and acknowledged) without Redis: the log is PostgreSQL.
    await Promise.all([a.acknowledged(), b.acknowledged()]);
    expect(textOf(a.doc)).not.toContain("[b-during]");

    await redis.start();
    for (const c of [a, b]) {
      await until(() => textOf(c.doc).includes("[a-during]") && textOf(c.doc).includes("[b-during]"), 15_000, () => textOf(c.doc));
    }
    a.doc.getText("t").insert(0, "[after]");
    await until(() => textOf(b.doc).includes("[after]"), 5_000, () => textOf(b.doc));
    expect(textOf(a.doc)).toBe(textOf(b.doc));
  });
});
