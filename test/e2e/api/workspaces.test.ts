import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, sql, waitForDocumentEvents } from "./documentFixtures.js";
import { addMember, awaitMembershipEvents, createWorkspace, streamNow } from "./membershipHelpers.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

// Issue 6: workspaces through the gateway, with tenant isolation and role checks on every route.
describe("api workspaces", () => {
  let stack: ApiStack;
  let redis: Redis;
  let owner: TestUser;
  let stranger: TestUser;
  beforeAll(async () => {
    stack = await startApiStack();
    redis = new Redis(stack.redisUrl);
    [owner, stranger] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "stranger")]);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  it("creates (creator is owner, with its member_added event), reads, renames and deletes a workspace", async () => {
    const since = streamNow();
    const res = await owner.call("POST", "/api/v1/workspaces", { name: "  Research  " });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; name: string; role: string; created_at: string };
    expect(created).toMatchObject({ name: "Research", role: "owner" });
    expect(Date.parse(created.created_at)).not.toBeNaN();
    expect(res.headers.get("location")).toBe(`/api/v1/workspaces/${created.id}`);

    const events = await awaitMembershipEvents(redis, since, created.id, 1);
    expect(events).toEqual([
      {
        type: "workspace.member_added",
        source: "api",
        payload: expect.objectContaining({ workspaceId: created.id, userId: owner.id, actorId: owner.id, action: "member_added", role: "owner" }),
      },
    ]);

    const got = await owner.call("GET", `/api/v1/workspaces/${created.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ id: created.id, name: "Research", role: "owner" });

    const patched = await owner.call("PATCH", `/api/v1/workspaces/${created.id}`, { name: "Research & Development" });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: created.id, name: "Research & Development", role: "owner" });

    expect((await owner.call("DELETE", `/api/v1/workspaces/${created.id}`)).status).toBe(204);
    expect((await owner.call("GET", `/api/v1/workspaces/${created.id}`)).status).toBe(404);
    const removed = await awaitMembershipEvents(redis, since, created.id, 2);
    expect(removed[1]).toMatchObject({ type: "workspace.member_removed", payload: { userId: owner.id, actorId: owner.id, action: "member_removed", role: "" } });
  });

  it("deletes a workspace's documents with it: a document.deleted event each, content gone from the docstore", async () => {
    const since = streamNow();
    const workspace = await createWorkspace(owner, "Doomed");
    const doc = await createDocument(owner, workspace.id, "Doomed doc", "Soon gone.");
    expect((await owner.call("DELETE", `/api/v1/workspaces/${workspace.id}`)).status).toBe(204);
    const [deleted] = await waitForDocumentEvents(redis, since, doc.id, 1, (e) => e.type === "document.deleted");
    expect(deleted).toMatchObject({ payload: { documentId: doc.id, workspaceId: workspace.id, userId: owner.id, action: "deleted" } });
    expect(await sql(stack, "select count(*)::int as n from docstore.updates where document_id = $1", [doc.id])).toEqual([{ n: 0 }]);
    expect((await owner.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(404);
  });

  it("makes an archived workspace's documents read-only", async () => {
    const editor = await newTestUser(stack, "archived-editor");
    const workspace = await createWorkspace(owner, "Archived");
    await addMember(owner, workspace.id, editor, "editor");
    const doc = await createDocument(owner, workspace.id, "Frozen", "Read me.");
    await sql(stack, "update api.workspaces set archived_at = now() where id = $1", [workspace.id]);
    const read = await editor.call("GET", `/api/v1/documents/${doc.id}`);
    expect(await read.json()).toMatchObject({ title: "Frozen", role: "viewer" });
    expect((await editor.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Thawed" })).status).toBe(403);
  });

  it("lists only my workspaces, a page at a time", async () => {
    const me = await newTestUser(stack, "lister");
    const mine = [];
    for (const name of ["one", "two", "three"]) mine.push(await createWorkspace(me, name));
    await createWorkspace(stranger, "not mine");
    const first = await me.call("GET", "/api/v1/workspaces?limit=2");
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as { items: { id: string; role: string }[]; next_cursor: string | null };
    expect(page1.items.map((w) => w.id)).toEqual(mine.slice(0, 2).map((w) => w.id));
    expect(page1.next_cursor).toEqual(expect.any(String));
    const page2 = (await (await me.call("GET", `/api/v1/workspaces?limit=2&cursor=${encodeURIComponent(page1.next_cursor!)}`)).json()) as typeof page1;
    expect(page2).toEqual({ items: [expect.objectContaining({ id: mine[2]!.id, name: "three", role: "owner" })], next_cursor: null });
    const all = (await (await me.call("GET", "/api/v1/workspaces")).json()) as typeof page1;
    expect(all.items).toHaveLength(3);

    const bad = await me.call("GET", "/api/v1/workspaces?cursor=not-a-cursor");
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: "API_ERR_INVALID_CONTENT" });
  });

  it("gives a non-member 404 on every workspace route, never data", async () => {
    const workspace = await createWorkspace(owner, "private");
    const w = `/api/v1/workspaces/${workspace.id}`;
    const calls: [string, string, unknown?][] = [
      ["GET", w],
      ["PATCH", w, { name: "taken over" }],
      ["DELETE", w],
      ["GET", `${w}/members`],
      ["POST", `${w}/members`, { user_id: stranger.id, role: "owner" }],
      ["PATCH", `${w}/members/${owner.id}`, { role: "viewer" }],
      ["DELETE", `${w}/members/${owner.id}`],
      ["GET", `${w}/invitations`],
      ["DELETE", `${w}/invitations/${randomUUID()}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await stranger.call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      const problem = (await res.json()) as { code: string };
      expect(problem.code, `${method} ${path}`).toBe("API_ERR_WORKSPACE_NOT_FOUND");
      expect(JSON.stringify(problem)).not.toContain("private");
    }
    // An id that exists nowhere answers the same.
    expect((await owner.call("GET", `/api/v1/workspaces/${randomUUID()}`)).status).toBe(404);
    // Nothing changed.
    expect(await (await owner.call("GET", w)).json()).toMatchObject({ name: "private", role: "owner" });
  });

  it("answers 403 to each role below the one a route needs", async () => {
    const workspace = await createWorkspace(owner, "roles");
    const w = `/api/v1/workspaces/${workspace.id}`;
    const byRole: Record<string, TestUser> = {};
    for (const role of ["admin", "editor", "commenter", "viewer"]) {
      byRole[role] = await newTestUser(stack, role);
      await addMember(owner, workspace.id, byRole[role]!, role);
    }
    for (const role of ["editor", "commenter", "viewer"]) {
      const user = byRole[role]!;
      expect((await user.call("GET", w)).status, role).toBe(200);
      expect((await user.call("GET", `${w}/members`)).status, role).toBe(200);
      const patch = await user.call("PATCH", w, { name: "renamed" });
      expect(patch.status, role).toBe(403);
      expect(await patch.json()).toMatchObject({ code: "API_ERR_FORBIDDEN" });
      expect((await user.call("DELETE", w)).status, role).toBe(403);
      expect((await user.call("GET", `${w}/invitations`)).status, role).toBe(403);
      expect((await user.call("POST", `${w}/members`, { user_id: stranger.id, role: "viewer" })).status, role).toBe(403);
      expect((await user.call("PATCH", `${w}/members/${byRole["viewer"]!.id}`, { role: "viewer" })).status, role).toBe(403);
      expect((await user.call("DELETE", `${w}/invitations/${randomUUID()}`)).status, role).toBe(403);
    }
    expect((await byRole["editor"]!.call("DELETE", `${w}/members/${byRole["viewer"]!.id}`)).status).toBe(403);
    // Admin renames but does not delete.
    expect((await byRole["admin"]!.call("PATCH", w, { name: "renamed by admin" })).status).toBe(200);
    expect((await byRole["admin"]!.call("DELETE", w)).status).toBe(403);
    expect((await owner.call("GET", w)).status).toBe(200);
  });

  it("refuses malformed input with 400 problem+json and anonymous calls with 401", async () => {
    for (const body of [{}, { name: "" }, { name: "   " }, { name: { text: "x" } }, { name: "x".repeat(201) }]) {
      const res = await owner.call("POST", "/api/v1/workspaces", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await owner.call("GET", "/api/v1/workspaces/not-a-uuid")).status).toBe(400);
    expect((await owner.call("GET", "/api/v1/workspaces?limit=0")).status).toBe(400);
    expect((await fetch(`${stack.base}/api/v1/workspaces`)).status).toBe(401);
  });
});
