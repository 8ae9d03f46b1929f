import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, makeWorkspace, read } from "./documentFixtures.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

// Issue 6: GET /workspaces/{id}/documents — recency order, full-text search over title and content, cursors.
describe("api document listing and search", () => {
  let stack: ApiStack;
  let owner: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let workspaceId: string;
  let otherWorkspaceId: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    stack = await startApiStack();
    [owner, viewer, stranger] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "viewer"), newTestUser(stack, "stranger")]);
    workspaceId = await makeWorkspace(owner, [[viewer, "viewer"]]);
    otherWorkspaceId = await makeWorkspace(stranger);
    ids["kangaroo"] = (await createDocument(owner, workspaceId, "Kangaroo migration notes", "Marsupials travel far.")).id;
    ids["budget"] = (await createDocument(owner, workspaceId, "Budget 2027", "The platypus line item is over budget.")).id;
    ids["recipes"] = (await createDocument(owner, workspaceId, "Recipes", { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Pancakes with kangaroo-shaped moulds" }] }] })).id;
    ids["hidden"] = (await createDocument(stranger, otherWorkspaceId, "Kangaroo secrets", "kangaroo platypus")).id;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const list = async (user: TestUser, query: string, ws = workspaceId) => {
    const res = await user.call("GET", `/api/v1/workspaces/${ws}/documents${query}`);
    return { status: res.status, body: await read(res) };
  };

  it("lists the newest change first, with cursor pages", async () => {
    const all = await list(viewer, "");
    expect(all.status).toBe(200);
    expect(all.body.items.map((d: { id: string }) => d.id)).toEqual([ids["recipes"], ids["budget"], ids["kangaroo"]]);
    expect(all.body.next_cursor).toBeNull();
    expect(all.body.items[0]).toMatchObject({ title: "Recipes", workspace_id: workspaceId, version: 1 });

    const first = await list(viewer, "?limit=2");
    expect(first.body.items).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await list(viewer, `?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`);
    expect(second.body.items.map((d: { id: string }) => d.id)).toEqual([ids["kangaroo"]]);
    expect(second.body.next_cursor).toBeNull();

    // A rename moves a document to the top.
    await owner.call("PATCH", `/api/v1/documents/${ids["kangaroo"]}`, { title: "Kangaroo migration notes (v2)" });
    expect((await list(viewer, "?limit=1")).body.items[0].id).toBe(ids["kangaroo"]);
  });

  it("finds documents by title and by body words, best rank first, only in the workspace", async () => {
    const byTitle = await list(viewer, "?q=budget");
    expect(byTitle.body.items.map((d: { id: string }) => d.id)).toEqual([ids["budget"]]);
    const byBody = await list(viewer, "?q=platypus");
    expect(byBody.body.items.map((d: { id: string }) => d.id)).toEqual([ids["budget"]]);
    const stemmed = await list(viewer, "?q=marsupial");
    expect(stemmed.body.items.map((d: { id: string }) => d.id)).toEqual([ids["kangaroo"]]);
    // A title match (weight A) ranks above a body match (weight B).
    const both = await list(viewer, "?q=kangaroo");
    expect(both.body.items.map((d: { id: string }) => d.id)).toEqual([ids["kangaroo"], ids["recipes"]]);
    const paged = await list(viewer, "?q=kangaroo&limit=1");
    expect(paged.body.items.map((d: { id: string }) => d.id)).toEqual([ids["kangaroo"]]);
    const rest = await list(viewer, `?q=kangaroo&limit=1&cursor=${encodeURIComponent(paged.body.next_cursor)}`);
    expect(rest.body.items.map((d: { id: string }) => d.id)).toEqual([ids["recipes"]]);
    expect(rest.body.next_cursor).toBeNull();
    expect((await list(viewer, '?q="no such words"')).body.items).toEqual([]);
    // websearch syntax never errors, even on operators alone.
    expect((await list(viewer, "?q=" + encodeURIComponent('-" OR'))).status).toBe(200);
  });

  it("finds new body text after a content PATCH", async () => {
    expect((await list(viewer, "?q=wombat")).body.items).toEqual([]);
    expect((await owner.call("PATCH", `/api/v1/documents/${ids["recipes"]}`, { content: "Wombat stew" })).status).toBe(200);
    expect((await list(viewer, "?q=wombat")).body.items.map((d: { id: string }) => d.id)).toEqual([ids["recipes"]]);
  });

  it("refuses non-members (404), bad cursors (422) and bad limits (400)", async () => {
    const res = await list(stranger, "");
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: "API_ERR_WORKSPACE_NOT_FOUND" });
    expect((await list(stranger, "?q=kangaroo")).status).toBe(404);
    const recentCursor = (await list(viewer, "?limit=1")).body.next_cursor;
    const crossed = await list(viewer, `?q=kangaroo&cursor=${encodeURIComponent(recentCursor)}`);
    expect(crossed.status).toBe(422);
    expect((await list(viewer, "?cursor=garbage")).status).toBe(422);
    expect((await list(viewer, "?limit=0")).status).toBe(400);
    expect((await list(viewer, "?limit=1000")).status).toBe(400);
  });
});
