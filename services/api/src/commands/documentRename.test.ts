import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, makeWorkspace, read } from "../../../../test/e2e/api/documentFixtures.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "../../../../test/e2e/api/stack.js";

// The one-statement title PATCH (documentUpdater's renameAlone) checks the role inside its statement.
describe("the one-statement rename", () => {
  let stack: ApiStack;
  let owner: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let workspaceId: string;
  beforeAll(async () => {
    stack = await startApiStack();
    [owner, viewer, stranger] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "viewer"), newTestUser(stack, "stranger")]);
    workspaceId = await makeWorkspace(owner, [[viewer, "viewer"]]);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("checks the role in the one-statement rename too, once the document's workspace is known", async () => {
    const doc = await createDocument(owner, workspaceId, "Known");
    // The owner's rename leaves the document's workspace known: later renames take one statement.
    expect(await read(await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Known 2" }))).toMatchObject({ version: 2, role: "owner" });
    expect((await stranger.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "x" })).status).toBe(404);
    expect(await read(await viewer.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "x" }))).toMatchObject({ code: "API_ERR_FORBIDDEN" });
    // A direct share grants the stranger editor: the same statement lets them rename, answering their role.
    expect((await owner.call("POST", `/api/v1/documents/${doc.id}/shares`, { user_id: stranger.id, role: "editor" })).status).toBe(201);
    const shared = await stranger.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Shared rename" }, { "if-match": '"2"' });
    expect(await read(shared)).toMatchObject({ title: "Shared rename", version: 3, role: "editor", updated_by: stranger.id });
    expect((await owner.call("DELETE", `/api/v1/documents/${doc.id}`)).status).toBe(204);
    expect((await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "trashed" })).status).toBe(404);
    expect((await owner.call("POST", `/api/v1/documents/${doc.id}/restore`)).status).toBe(200);
    expect(await read(await owner.call("GET", `/api/v1/documents/${doc.id}`))).toMatchObject({ title: "Shared rename", version: 5 });
  });
});
