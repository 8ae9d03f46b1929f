import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockTexts, createDocument, makeWorkspace, read, waitForDocumentEvents } from "./documentFixtures.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";
import { Redis } from "ioredis";

// Issue 6: history — list, read, explicit save, restore as a new change.
describe("api document revisions", () => {
  let stack: ApiStack;
  let redis: Redis;
  let owner: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let workspaceId: string;
  beforeAll(async () => {
    stack = await startApiStack();
    redis = new Redis(stack.redisUrl);
    [owner, viewer, stranger] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "viewer"), newTestUser(stack, "stranger")]);
    workspaceId = await makeWorkspace(owner, [[viewer, "viewer"]]);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  it("saves, lists, reads and restores revisions", async () => {
    const doc = await createDocument(owner, workspaceId, "History", "version one");
    const saved = await owner.call("POST", `/api/v1/documents/${doc.id}/revisions`);
    expect(saved.status).toBe(201);
    const savedRev = await read(saved);
    expect(savedRev).toMatchObject({ reason: "save", user_id: owner.id });
    expect(saved.headers.get("location")).toBe(`/api/v1/documents/${doc.id}/revisions/${savedRev.rev}`);

    expect((await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { content: "version two" })).status).toBe(200);
    expect((await owner.call("POST", `/api/v1/documents/${doc.id}/revisions`)).status).toBe(201);

    const listed = await read(await viewer.call("GET", `/api/v1/documents/${doc.id}/revisions`));
    const revs = listed.items.map((r: { rev: number }) => r.rev);
    expect(revs.length).toBeGreaterThanOrEqual(2);
    expect([...revs].sort((a: number, b: number) => b - a)).toEqual(revs);
    expect(revs).toContain(savedRev.rev);

    const page = await read(await viewer.call("GET", `/api/v1/documents/${doc.id}/revisions?limit=1`));
    expect(page.items).toHaveLength(1);
    const next = await read(await viewer.call("GET", `/api/v1/documents/${doc.id}/revisions?limit=1&cursor=${page.next_cursor}`));
    expect(next.items[0].rev).toBeLessThan(page.items[0].rev);

    const old = await read(await viewer.call("GET", `/api/v1/documents/${doc.id}/revisions/${savedRev.rev}`));
    expect(old).toMatchObject({ rev: savedRev.rev, reason: "save" });
    expect(blockTexts(old.content.json)).toEqual(["version one"]);
    expect(old.content.markdown).toContain("version one");

    const since = `${Date.now() - 1}-0`;
    expect((await viewer.call("POST", `/api/v1/documents/${doc.id}/revisions/${savedRev.rev}/restore`)).status).toBe(403);
    const restored = await owner.call("POST", `/api/v1/documents/${doc.id}/revisions/${savedRev.rev}/restore`);
    expect(restored.status).toBe(200);
    const body = await read(restored);
    expect(blockTexts(body.content.json)).toEqual(["version one"]);
    expect(body.content_seq).toBeGreaterThan(doc.content_seq);
    const events = await waitForDocumentEvents(redis, since, doc.id, 1, (e) => e.payload.content?.["restored_revision"] !== undefined);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "document.updated", payload: { userId: owner.id, content: { content_seq: body.content_seq, restored_revision: savedRev.rev } } });
    // Search follows the restored text.
    const found = await read(await viewer.call("GET", `/api/v1/workspaces/${workspaceId}/documents?q=one`));
    expect(found.items.map((d: { id: string }) => d.id)).toContain(doc.id);
  });

  it("hides history from strangers and answers unknown revisions with 404", async () => {
    const doc = await createDocument(owner, workspaceId, "Private history", "x");
    expect((await stranger.call("GET", `/api/v1/documents/${doc.id}/revisions`)).status).toBe(404);
    expect((await stranger.call("POST", `/api/v1/documents/${doc.id}/revisions`)).status).toBe(404);
    expect((await viewer.call("POST", `/api/v1/documents/${doc.id}/revisions`)).status).toBe(403);
    const missing = await viewer.call("GET", `/api/v1/documents/${doc.id}/revisions/9999`);
    expect(missing.status).toBe(404);
    expect(await read(missing)).toMatchObject({ code: "API_ERR_NOT_FOUND" });
    expect((await owner.call("POST", `/api/v1/documents/${doc.id}/revisions/9999/restore`)).status).toBe(404);
    expect((await viewer.call("GET", `/api/v1/documents/${doc.id}/revisions/zero`)).status).toBe(400);
    expect((await viewer.call("GET", `/api/v1/documents/${doc.id}/revisions?cursor=abc`)).status).toBe(400);
  });
});
