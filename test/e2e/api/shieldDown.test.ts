import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, makeWorkspace } from "./documentFixtures.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

// The spec's failure strategy for the api: Shield unavailable -> tokens still verified locally
// (JWKS cached), user lookups through the shield breaker, degraded to cached data.
describe("api with Shield down", () => {
  let stack: ApiStack;
  let owner: TestUser;
  let member: TestUser;

  beforeAll(async () => {
    stack = await startApiStack();
    owner = await newTestUser(stack, "owner");
    member = await newTestUser(stack, "member");
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  it("keeps serving documents and member lists from local keys and the user directory", async () => {
    const workspaceId = await makeWorkspace(owner, [[member, "editor"]]);
    const doc = await createDocument(owner, workspaceId, "Still here", "Shield is about to stop.");
    await stack.shield.stop();

    const direct = (path: string, init: RequestInit = {}) =>
      fetch(`${stack.api.url}${path}`, { ...init, headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json", ...init.headers } });
    const read = await direct(`/api/v1/documents/${doc.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ title: "Still here" });

    const members = await direct(`/api/v1/workspaces/${workspaceId}/members`);
    expect(members.status).toBe(200);
    const { items } = (await members.json()) as { items: { user_id: string; email: string }[] };
    expect(items.find((m) => m.user_id === member.id)?.email).toBe(member.email);

    // A user the directory has never seen cannot be confirmed: a clear 404, not a hang or a 500.
    const unknown = await direct(`/api/v1/workspaces/${workspaceId}/members`, { method: "POST", body: JSON.stringify({ user_id: randomUUID(), role: "viewer" }) });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("application/problem+json");
  }, 60_000);
});
