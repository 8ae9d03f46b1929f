import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, awaitMembershipEvents, createWorkspace, knownToApi, streamNow } from "./membershipHelpers.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

interface Member {
  user_id: string;
  email: string | null;
  name: string | null;
  role: string;
}

// Issue 6: members and roles through the gateway; their MembershipEvents; Shield's co-membership.
describe("api members", () => {
  let stack: ApiStack;
  let redis: Redis;
  beforeAll(async () => {
    stack = await startApiStack();
    redis = new Redis(stack.redisUrl);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  const members = async (user: TestUser, workspaceId: string): Promise<Member[]> => {
    const res = await user.call("GET", `/api/v1/workspaces/${workspaceId}/members`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Member[] }).items;
  };

  it("adds by user_id and by email, lists with email and name, and Shield then shows co-members", async () => {
    const [owner, bob, carol] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "bob"), newTestUser(stack, "carol")]);
    const since = streamNow();
    const workspace = await createWorkspace(owner);
    // Shield hides a stranger's profile.
    expect((await owner.call("GET", `/api/v1/users/${bob.id}`)).status).toBe(404);

    const byId = await owner.call("POST", `/api/v1/workspaces/${workspace.id}/members`, { user_id: bob.id, role: "editor" });
    expect(byId.status).toBe(201);
    expect(await byId.json()).toMatchObject({ user_id: bob.id, email: bob.email, role: "editor" });

    await knownToApi(stack, carol.id);
    const byEmail = await owner.call("POST", `/api/v1/workspaces/${workspace.id}/members`, { email: `  ${carol.email.toUpperCase()} `, role: "viewer" });
    expect(byEmail.status).toBe(201);
    expect(await byEmail.json()).toMatchObject({ user_id: carol.id, email: carol.email, role: "viewer" });

    const list = await members(owner, workspace.id);
    expect(list).toEqual([
      expect.objectContaining({ user_id: owner.id, email: owner.email, name: "Test owner", role: "owner" }),
      expect.objectContaining({ user_id: bob.id, email: bob.email, name: "Test bob", role: "editor" }),
      expect.objectContaining({ user_id: carol.id, email: carol.email, name: "Test carol", role: "viewer" }),
    ]);
    // The new member sees the workspace in their list, with their role.
    const bobs = (await (await bob.call("GET", "/api/v1/workspaces")).json()) as { items: { id: string; role: string }[] };
    expect(bobs.items).toEqual([expect.objectContaining({ id: workspace.id, role: "editor" })]);

    const events = await awaitMembershipEvents(redis, since, workspace.id, 3);
    expect(events.map((e) => [e.type, e.source, e.payload.userId, e.payload.actorId, e.payload.action, e.payload.role])).toEqual([
      ["workspace.member_added", "api", owner.id, owner.id, "member_added", "owner"],
      ["workspace.member_added", "api", bob.id, owner.id, "member_added", "editor"],
      ["workspace.member_added", "api", carol.id, owner.id, "member_added", "viewer"],
    ]);
    // Shield's projection consumed them: the two now see each other's profile.
    await expect.poll(async () => (await owner.call("GET", `/api/v1/users/${bob.id}`)).status, { timeout: 15_000 }).toBe(200);
    expect(await (await bob.call("GET", `/api/v1/users/${owner.id}`)).json()).toMatchObject({ id: owner.id, email: owner.email });
  });

  it("follows name changes from the users stream in the member list", async () => {
    const [owner, renamed] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "renamed")]);
    const workspace = await createWorkspace(owner);
    await addMember(owner, workspace.id, renamed, "viewer");
    const patched = await renamed.call("PATCH", "/api/v1/users/me", { name: "Renamed Person" });
    expect(patched.status).toBe(200);
    await expect
      .poll(async () => (await members(owner, workspace.id)).find((m) => m.user_id === renamed.id)?.name, { timeout: 15_000 })
      .toBe("Renamed Person");
  });

  it("refuses unknown users (404), duplicates (409) and bodies without exactly one of email and user_id (400)", async () => {
    const [owner, bob] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "bob")]);
    const workspace = await createWorkspace(owner);
    const unknown = await owner.call("POST", `/api/v1/workspaces/${workspace.id}/members`, { user_id: randomUUID(), role: "viewer" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: "API_ERR_USER_NOT_FOUND" });
    await addMember(owner, workspace.id, bob, "viewer");
    const again = await owner.call("POST", `/api/v1/workspaces/${workspace.id}/members`, { user_id: bob.id, role: "editor" });
    expect(again.status).toBe(409);
    for (const body of [{ role: "viewer" }, { user_id: bob.id, email: bob.email, role: "viewer" }, { user_id: bob.id, role: "god" }, { user_id: bob.id }]) {
      expect((await owner.call("POST", `/api/v1/workspaces/${workspace.id}/members`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await owner.call("PATCH", `/api/v1/workspaces/${workspace.id}/members/${randomUUID()}`, { role: "viewer" })).status).toBe(404);
  });

  it("never lets a grant exceed the granter, and keeps owner changes to owners", async () => {
    const [owner, admin, other, target] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "admin"), newTestUser(stack, "other"), newTestUser(stack, "target")]);
    const workspace = await createWorkspace(owner);
    const w = `/api/v1/workspaces/${workspace.id}/members`;
    await addMember(owner, workspace.id, admin, "admin");
    await addMember(owner, workspace.id, target, "viewer");
    const expect403 = async (res: Response, what: string) => {
      expect(res.status, what).toBe(403);
      expect(await res.json()).toMatchObject({ code: "API_ERR_FORBIDDEN" });
    };
    await expect403(await admin.call("POST", w, { user_id: other.id, role: "owner" }), "admin adds an owner");
    await expect403(await admin.call("PATCH", `${w}/${target.id}`, { role: "owner" }), "admin promotes to owner");
    await expect403(await admin.call("PATCH", `${w}/${owner.id}`, { role: "viewer" }), "admin demotes the owner");
    await expect403(await admin.call("DELETE", `${w}/${owner.id}`), "admin removes the owner");
    await expect403(await target.call("PATCH", `${w}/${target.id}`, { role: "editor" }), "viewer promotes themselves");
    // Within their role an admin manages members.
    expect((await admin.call("POST", w, { user_id: other.id, role: "admin" })).status).toBe(201);
    expect((await admin.call("PATCH", `${w}/${target.id}`, { role: "editor" })).status).toBe(200);
    expect((await admin.call("DELETE", `${w}/${other.id}`)).status).toBe(204);
    expect((await owner.call("PATCH", `${w}/${admin.id}`, { role: "owner" })).status).toBe(200);
    const roles = Object.fromEntries((await members(owner, workspace.id)).map((m) => [m.user_id, m.role]));
    expect(roles).toEqual({ [owner.id]: "owner", [admin.id]: "owner", [target.id]: "editor" });
  });

  it("protects the last owner (409), lets members leave, and publishes role changes and removals", async () => {
    const [owner, second, leaver] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "second"), newTestUser(stack, "leaver")]);
    const since = streamNow();
    const workspace = await createWorkspace(owner);
    const w = `/api/v1/workspaces/${workspace.id}/members`;
    await addMember(owner, workspace.id, leaver, "commenter");
    const demote = await owner.call("PATCH", `${w}/${owner.id}`, { role: "admin" });
    expect(demote.status).toBe(409);
    expect(await demote.json()).toMatchObject({ code: "API_ERR_CONFLICT" });
    expect((await owner.call("DELETE", `${w}/${owner.id}`)).status).toBe(409);

    expect((await leaver.call("DELETE", `${w}/${leaver.id}`)).status).toBe(204);
    expect((await leaver.call("GET", `/api/v1/workspaces/${workspace.id}`)).status).toBe(404);

    await addMember(owner, workspace.id, second, "owner");
    expect((await owner.call("PATCH", `${w}/${owner.id}`, { role: "admin" })).status).toBe(200);
    // Now `second` is the last owner.
    expect((await second.call("DELETE", `${w}/${second.id}`)).status).toBe(409);
    expect((await owner.call("DELETE", `${w}/${owner.id}`)).status).toBe(204);

    const events = await awaitMembershipEvents(redis, since, workspace.id, 6);
    expect(events.map((e) => [e.type, e.payload.userId, e.payload.actorId, e.payload.action, e.payload.role])).toEqual([
      ["workspace.member_added", owner.id, owner.id, "member_added", "owner"],
      ["workspace.member_added", leaver.id, owner.id, "member_added", "commenter"],
      ["workspace.member_removed", leaver.id, leaver.id, "member_removed", ""],
      ["workspace.member_added", second.id, owner.id, "member_added", "owner"],
      ["workspace.member_role_changed", owner.id, owner.id, "member_role_changed", "admin"],
      ["workspace.member_removed", owner.id, owner.id, "member_removed", ""],
    ]);
  });
});
