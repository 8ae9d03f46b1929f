import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, makeWorkspace, read, sql, waitForDocumentEvents, type DecodedDocumentEvent } from "./documentFixtures.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

const isShareEvent = (e: DecodedDocumentEvent) => e.type === "document.shared" || e.type === "document.unshared";

// Issue 6: direct shares and share links — a grant never exceeds the granter; a link grants exactly its role.
describe("api sharing", () => {
  let stack: ApiStack;
  let redis: Redis;
  let owner: TestUser;
  let editor: TestUser;
  let commenter: TestUser;
  let outsider: TestUser;
  let guest: TestUser;
  let workspaceId: string;
  beforeAll(async () => {
    stack = await startApiStack();
    redis = new Redis(stack.redisUrl);
    [owner, editor, commenter, outsider, guest] = await Promise.all(
      ["owner", "editor", "commenter", "outsider", "guest"].map((label) => newTestUser(stack, label)),
    ) as [TestUser, TestUser, TestUser, TestUser, TestUser];
    workspaceId = await makeWorkspace(owner, [
      [editor, "editor"],
      [commenter, "commenter"],
    ]);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  it("shares with a user by id, lists, changes the role, and unshares", async () => {
    const doc = await createDocument(owner, workspaceId, "Shared plan", "text");
    expect((await outsider.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(404);

    const since = `${Date.now() - 1}-0`;
    const created = await editor.call("POST", `/api/v1/documents/${doc.id}/shares`, { user_id: outsider.id, role: "viewer" });
    expect(created.status).toBe(201);
    const share = await read(created);
    expect(share).toMatchObject({ document_id: doc.id, user_id: outsider.id, email: outsider.email, role: "viewer", granted_by: editor.id });

    const seen = await outsider.call("GET", `/api/v1/documents/${doc.id}`);
    expect(seen.status).toBe(200);
    expect(await read(seen)).toMatchObject({ role: "viewer", title: "Shared plan" });
    expect((await outsider.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "no" })).status).toBe(403);
    // Not a workspace member: the workspace's lists stay closed.
    expect((await outsider.call("GET", `/api/v1/workspaces/${workspaceId}/documents`)).status).toBe(404);

    const upgraded = await owner.call("POST", `/api/v1/documents/${doc.id}/shares`, { user_id: outsider.id, role: "editor" });
    expect(upgraded.status).toBe(200);
    expect(await read(upgraded)).toMatchObject({ id: share.id, role: "editor" });
    expect((await outsider.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Shared plan 2" })).status).toBe(200);

    const listed = await read(await commenter.call("GET", `/api/v1/documents/${doc.id}/shares`));
    expect(listed.items).toEqual([expect.objectContaining({ id: share.id, user_id: outsider.id, role: "editor" })]);

    expect((await commenter.call("DELETE", `/api/v1/documents/${doc.id}/shares/${share.id}`)).status).toBe(403);
    expect((await editor.call("DELETE", `/api/v1/documents/${doc.id}/shares/${share.id}`)).status).toBe(204);
    expect((await editor.call("DELETE", `/api/v1/documents/${doc.id}/shares/${share.id}`)).status).toBe(404);
    expect((await outsider.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(404);

    const events = await waitForDocumentEvents(redis, since, doc.id, 3, isShareEvent);
    const shareEvents = events;
    expect(shareEvents.map((e) => e.type)).toEqual(["document.shared", "document.shared", "document.unshared"]);
    expect(shareEvents[0]!.payload).toMatchObject({ documentId: doc.id, workspaceId, userId: editor.id, action: "shared" });
    expect(shareEvents[0]!.payload.content).toEqual({ share_id: share.id, user_id: outsider.id, role: "viewer" });
    expect(shareEvents[1]!.payload.content).toEqual({ share_id: share.id, user_id: outsider.id, role: "editor" });
    expect(shareEvents[2]!.payload.content).toEqual({ share_id: share.id, user_id: outsider.id });
  });

  it("shares by email, and a user can leave a share", async () => {
    const doc = await createDocument(owner, workspaceId, "By email");
    // The api learns emails from Shield's users stream; wait until it knows the guest.
    await expect
      .poll(async () => (await sql(stack, "select 1 from api.user_directory where user_id = $1", [guest.id])).length, { timeout: 10_000 })
      .toBe(1);
    const res = await owner.call("POST", `/api/v1/documents/${doc.id}/shares`, { email: guest.email.toUpperCase(), role: "commenter" });
    expect(res.status).toBe(201);
    const share = await read(res);
    expect(share).toMatchObject({ user_id: guest.id, role: "commenter" });
    expect((await guest.call("DELETE", `/api/v1/documents/${doc.id}/shares/${share.id}`)).status).toBe(204);
    expect((await guest.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(404);
  });

  it("never lets a grant exceed the granter, and refuses bad share requests", async () => {
    const doc = await createDocument(owner, workspaceId, "Guarded");
    const byCommenter = await commenter.call("POST", `/api/v1/documents/${doc.id}/shares`, { user_id: outsider.id, role: "viewer" });
    expect(byCommenter.status).toBe(403);
    expect((await commenter.call("POST", `/api/v1/documents/${doc.id}/share-links`, { role: "commenter" })).status).toBe(403);
    expect((await outsider.call("POST", `/api/v1/documents/${doc.id}/shares`, { user_id: guest.id, role: "viewer" })).status).toBe(404);
    for (const body of [{ user_id: outsider.id, role: "owner" }, { user_id: outsider.id, role: "admin" }, { role: "viewer" }, { user_id: outsider.id, email: outsider.email, role: "viewer" }, { user_id: "nope", role: "viewer" }]) {
      const res = await owner.call("POST", `/api/v1/documents/${doc.id}/shares`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    const unknown = await owner.call("POST", `/api/v1/documents/${doc.id}/shares`, { email: "nobody-here@example.com", role: "viewer" });
    expect(unknown.status).toBe(404);
    expect(await read(unknown)).toMatchObject({ code: "API_ERR_USER_NOT_FOUND" });
    expect((await owner.call("POST", `/api/v1/documents/${doc.id}/shares`, { user_id: owner.id, role: "viewer" })).status).toBe(409);
    expect((await read(await owner.call("GET", `/api/v1/documents/${doc.id}/shares`))).items).toEqual([]);
  });

  it("share links grant exactly their role, show the token once, and revoking removes the access", async () => {
    const doc = await createDocument(owner, workspaceId, "Linked", "linked text");
    const since = `${Date.now() - 1}-0`;
    const made = await editor.call("POST", `/api/v1/documents/${doc.id}/share-links`, { role: "viewer" });
    expect(made.status).toBe(201);
    const link = await read(made);
    expect(link).toMatchObject({ document_id: doc.id, role: "viewer", created_by: editor.id });
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.url).toContain(link.token);

    const listed = await read(await editor.call("GET", `/api/v1/documents/${doc.id}/share-links`));
    expect(listed.items).toEqual([expect.objectContaining({ id: link.id, role: "viewer", redeemed: 0 })]);
    expect(JSON.stringify(listed)).not.toContain(link.token);
    expect((await commenter.call("GET", `/api/v1/documents/${doc.id}/share-links`)).status).toBe(403);
    const stored = await sql<{ token_hash: Buffer }>(stack, "select token_hash from api.share_links where id = $1", [link.id]);
    expect(stored[0]!.token_hash.toString("base64url")).not.toBe(link.token);

    const preview = await outsider.call("GET", `/api/v1/share-links/${link.token}`);
    expect(preview.status).toBe(200);
    expect(await read(preview)).toEqual({ document_id: doc.id, title: "Linked", role: "viewer" });
    expect((await outsider.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(404);

    const redeemed = await outsider.call("POST", `/api/v1/share-links/${link.token}/redeem`);
    expect(redeemed.status).toBe(200);
    expect(await read(redeemed)).toEqual({ document_id: doc.id, role: "viewer" });
    expect((await outsider.call("POST", `/api/v1/share-links/${link.token}/redeem`)).status).toBe(200);
    // Exactly viewer: reads, never writes.
    expect(await read(await outsider.call("GET", `/api/v1/documents/${doc.id}`))).toMatchObject({ role: "viewer" });
    expect((await outsider.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "no" })).status).toBe(403);

    const editLink = await read(await owner.call("POST", `/api/v1/documents/${doc.id}/share-links`, { role: "editor" }));
    expect((await guest.call("POST", `/api/v1/share-links/${editLink.token}/redeem`)).status).toBe(200);
    expect((await guest.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Linked by guest" })).status).toBe(200);
    expect((await guest.call("DELETE", `/api/v1/documents/${doc.id}`)).status).toBe(403);
    expect((await guest.call("POST", `/api/v1/documents/${doc.id}/share-links`, { role: "editor" })).status).toBe(201);

    // Revoke: everyone who redeemed the link loses that access at once.
    expect((await editor.call("DELETE", `/api/v1/documents/${doc.id}/share-links/${link.id}`)).status).toBe(204);
    expect((await outsider.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(404);
    expect((await outsider.call("GET", `/api/v1/share-links/${link.token}`)).status).toBe(404);
    expect((await outsider.call("POST", `/api/v1/share-links/${link.token}/redeem`)).status).toBe(404);
    expect((await editor.call("DELETE", `/api/v1/documents/${doc.id}/share-links/${link.id}`)).status).toBe(404);
    expect((await guest.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(200);
    expect((await outsider.call("GET", "/api/v1/share-links/not-a-real-token")).status).toBe(404);

    const events = await waitForDocumentEvents(redis, since, doc.id, 6, isShareEvent);
    const linkEvents = events;
    expect(linkEvents[0]!.payload.content).toEqual({ link_id: link.id, role: "viewer" });
    expect(linkEvents[1]!.payload).toMatchObject({ userId: outsider.id, content: { link_id: link.id, user_id: outsider.id, role: "viewer" } });
    expect(linkEvents.filter((e) => e.payload.content?.["link_id"] === link.id && e.payload.userId === outsider.id)).toHaveLength(1);
    const revoked = linkEvents.find((e) => e.type === "document.unshared");
    expect(revoked?.payload.content).toEqual({ link_id: link.id });
    expect(JSON.stringify(events.map((e) => e.payload.content))).not.toContain(link.token);
    expect(JSON.stringify(events.map((e) => e.payload.content))).not.toContain(editLink.token);
  });

  it("a trashed document's shares and links open nothing", async () => {
    const doc = await createDocument(owner, workspaceId, "Soon trashed");
    await owner.call("POST", `/api/v1/documents/${doc.id}/shares`, { user_id: outsider.id, role: "viewer" });
    const link = await read(await owner.call("POST", `/api/v1/documents/${doc.id}/share-links`, { role: "viewer" }));
    expect((await owner.call("DELETE", `/api/v1/documents/${doc.id}`)).status).toBe(204);
    expect((await outsider.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(404);
    expect((await guest.call("POST", `/api/v1/share-links/${link.token}/redeem`)).status).toBe(404);
  });
});
