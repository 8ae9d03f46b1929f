import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createWorkspace } from "./membershipHelpers.js";
import { newTestUser, SERVICE_KEY, startApiStack, type ApiStack, type TestUser } from "./stack.js";

// Issue 8: GET /internal/memberships, aria's check for requests that name a workspace but no document.
describe("api /internal/memberships", () => {
  let stack: ApiStack;
  let owner: TestUser;
  let member: TestUser;
  let workspaceId: string;
  beforeAll(async () => {
    stack = await startApiStack();
    [owner, member] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "member")]);
    workspaceId = (await createWorkspace(owner)).id;
    await addMember(owner, workspaceId, member, "commenter");
  });
  afterAll(async () => {
    await stack?.close();
  });

  const ask = (userId: string, wsId: string, key: string | null = SERVICE_KEY) =>
    fetch(`${stack.api.url}/internal/memberships?user_id=${userId}&workspace_id=${wsId}`, { headers: key ? { "x-service-key": key } : {} });
  const roleOf = async (userId: string, wsId = workspaceId) => {
    const res = await ask(userId, wsId);
    expect(res.status).toBe(200);
    return ((await res.json()) as { role: string | null }).role;
  };

  it("answers the member's role, null for a non-member or an unknown workspace, and needs the service key", async () => {
    expect(await roleOf(owner.id)).toBe("owner");
    expect(await roleOf(member.id)).toBe("commenter");
    expect(await roleOf(randomUUID())).toBeNull();
    expect(await roleOf(member.id, randomUUID())).toBeNull();
    expect((await ask(member.id, workspaceId, null)).status).toBe(401);
    expect((await ask("not-a-uuid", workspaceId)).status).toBe(400);
    expect((await owner.call("DELETE", `/api/v1/workspaces/${workspaceId}/members/${member.id}`)).status).toBe(204);
    expect(await roleOf(member.id)).toBeNull();
  });
});
