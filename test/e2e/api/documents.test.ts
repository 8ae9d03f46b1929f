import { createDocStore, type DocStore } from "@materi/docstore";
import { createDatabase, createLogger, type Database } from "@materi/platform";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { blockTexts, createDocument, makeWorkspace, read, paragraphs, sql, waitForDocumentEvents } from "./documentFixtures.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

// Issue 6: documents through the gateway — CRUD, If-Match, trash, CRDT merge of REST and live edits, events.
describe("api documents", () => {
  let stack: ApiStack;
  let redis: Redis;
  let owner: TestUser;
  let editor: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let workspaceId: string;
  beforeAll(async () => {
    stack = await startApiStack();
    redis = new Redis(stack.redisUrl);
    [owner, editor, viewer, stranger] = await Promise.all([
      newTestUser(stack, "owner"),
      newTestUser(stack, "editor"),
      newTestUser(stack, "viewer"),
      newTestUser(stack, "stranger"),
    ]);
    workspaceId = await makeWorkspace(owner, [
      [editor, "editor"],
      [viewer, "viewer"],
    ]);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  it("creates from Markdown (201, Location, ETag) and serves it as Markdown and JSON", async () => {
    const res = await editor.call("POST", "/api/v1/documents", { workspace_id: workspaceId, title: "Plan", content: "# Goals\n\nShip **it**." });
    expect(res.status).toBe(201);
    const body = await read(res);
    expect(res.headers.get("location")).toBe(`/api/v1/documents/${body.id}`);
    expect(res.headers.get("etag")).toBe('"1"');
    const got = await viewer.call("GET", `/api/v1/documents/${body.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get("etag")).toBe('"1"');
    const doc = await read(got);
    expect(doc).toMatchObject({ id: body.id, workspace_id: workspaceId, title: "Plan", version: 1, role: "viewer", created_by: editor.id, updated_by: editor.id });
    expect(doc.content.markdown).toContain("# Goals");
    expect(doc.content.markdown).toContain("**it**");
    expect(doc.content.json.content[0]).toMatchObject({ type: "heading", attrs: { level: 1 } });
    expect(doc.content_seq).toBeGreaterThan(0);
    expect(typeof doc.created_at).toBe("string");
  });

  it("creates from ProseMirror JSON and without content", async () => {
    const doc = await createDocument(owner, workspaceId, "From JSON", paragraphs("alpha", "beta"));
    expect(blockTexts(doc.content.json)).toEqual(["alpha", "beta"]);
    expect(doc.content.markdown).toContain("alpha");
    const empty = await createDocument(owner, workspaceId, "Empty");
    expect(empty.content_seq).toBe(0);
    expect(empty.role).toBe("owner");
  });

  it("hides documents from strangers (404) and refuses writes below editor (403)", async () => {
    const doc = await createDocument(owner, workspaceId, "Private", "secret words");
    const hidden = await stranger.call("GET", `/api/v1/documents/${doc.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get("content-type")).toContain("application/problem+json");
    expect(await read(hidden)).toMatchObject({ code: "API_ERR_DOCUMENT_NOT_FOUND" });
    expect((await stranger.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "x" })).status).toBe(404);
    expect((await stranger.call("DELETE", `/api/v1/documents/${doc.id}`)).status).toBe(404);
    expect((await owner.call("GET", `/api/v1/documents/${randomUUID()}`)).status).toBe(404);
    const denied = await viewer.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "x" });
    expect(denied.status).toBe(403);
    expect(await read(denied)).toMatchObject({ code: "API_ERR_FORBIDDEN" });
    expect((await viewer.call("POST", "/api/v1/documents", { workspace_id: workspaceId, title: "no" })).status).toBe(403);
    const noWorkspace = await stranger.call("POST", "/api/v1/documents", { workspace_id: workspaceId, title: "no" });
    expect(noWorkspace.status).toBe(404);
    expect(await read(noWorkspace)).toMatchObject({ code: "API_ERR_WORKSPACE_NOT_FOUND" });
    expect((await owner.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(200);
  });

  it("bumps the version on a title change; a stale If-Match gets 412 with the current version and the title stays", async () => {
    const doc = await createDocument(owner, workspaceId, "Original");
    const renamed = await editor.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Renamed" }, { "if-match": '"1"' });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get("etag")).toBe('"2"');
    expect(await read(renamed)).toMatchObject({ title: "Renamed", version: 2, updated_by: editor.id });

    const stale = await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Mine" }, { "if-match": '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("content-type")).toContain("application/problem+json");
    expect(await read(stale)).toMatchObject({ code: "API_ERR_PRECONDITION_FAILED", version: 2, current: { version: 2, title: "Renamed" } });
    expect(stale.headers.get("etag")).toBe('"2"');
    const weak = await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Mine" }, { "if-match": 'W/"2"' });
    expect(weak.status).toBe(412);
    const after = await read(await owner.call("GET", `/api/v1/documents/${doc.id}`));
    expect(after).toMatchObject({ title: "Renamed", version: 2 });

    // Without If-Match the last writer wins.
    const lww = await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Mine" });
    expect(await read(lww)).toMatchObject({ title: "Mine", version: 3 });
    // Same title: nothing changes, no version bump.
    expect(await read(await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Mine" }, { "if-match": '"3"' }))).toMatchObject({ version: 3 });
  });

  it("lets exactly one of two concurrent renames with the same If-Match win", async () => {
    const doc = await createDocument(owner, workspaceId, "Race");
    const results = await Promise.all(
      ["A", "B", "C"].map((title) => editor.call("PATCH", `/api/v1/documents/${doc.id}`, { title }, { "if-match": '"1"' })),
    );
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([200, 412, 412]);
    const winner = await read(results.find((res) => res.status === 200)!);
    expect(await read(await owner.call("GET", `/api/v1/documents/${doc.id}`))).toMatchObject({ title: winner.title, version: 2 });
  });

  it("answers malformed bodies with 400 problem+json and keeps the stored document", async () => {
    const doc = await createDocument(owner, workspaceId, "Keep me", paragraphs("kept"));
    const raw = (method: string, path: string, body: string) =>
      fetch(`${stack.base}${path}`, { method, headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" }, body });
    const cases: [string, string, string][] = [
      ["PATCH", `/api/v1/documents/${doc.id}`, "{not json"],
      ["PATCH", `/api/v1/documents/${doc.id}`, "{}"],
      ["PATCH", `/api/v1/documents/${doc.id}`, JSON.stringify({ title: "" })],
      ["PATCH", `/api/v1/documents/${doc.id}`, JSON.stringify({ title: { text: "x" } })],
      ["PATCH", `/api/v1/documents/${doc.id}`, JSON.stringify({ content: "x", base_seq: -1 })],
      ["PATCH", `/api/v1/documents/${doc.id}`, JSON.stringify({ content: { type: "nope" } })],
      ["PATCH", `/api/v1/documents/${doc.id}`, JSON.stringify({ content: [1, 2] })],
      ["POST", "/api/v1/documents", JSON.stringify({ title: "no workspace" })],
      ["POST", "/api/v1/documents", JSON.stringify({ workspace_id: "not-a-uuid", title: "x" })],
      ["PATCH", "/api/v1/documents/not-a-uuid", JSON.stringify({ title: "x" })],
    ];
    for (const [method, path, body] of cases) {
      const res = await raw(method, path, body);
      expect(res.status, `${method} ${path} ${body}`).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await read(res)).code).toMatch(/^PLATFORM_ERR_(VALIDATION|MALFORMED_JSON)$/);
    }
    // JSON that has the outline of a document but not the schema: 422, nothing written.
    const badNode = await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { content: { type: "doc", content: [{ type: "no_such_node" }] } });
    expect(badNode.status).toBe(422);
    expect(await read(badNode)).toMatchObject({ code: "API_ERR_INVALID_CONTENT" });
    const after = await read(await owner.call("GET", `/api/v1/documents/${doc.id}`));
    expect(after).toMatchObject({ title: "Keep me", version: 1 });
    expect(blockTexts(after.content.json)).toEqual(["kept"]);
  });

  it("trashes (creator or admin), hides, lists in the trash and restores within the retention window", async () => {
    const doc = await createDocument(editor, workspaceId, "Short-lived", "bye");
    const byOther = await createDocument(owner, workspaceId, "Owner's");
    expect((await editor.call("DELETE", `/api/v1/documents/${byOther.id}`)).status).toBe(403);
    expect((await viewer.call("DELETE", `/api/v1/documents/${doc.id}`)).status).toBe(403);
    expect((await editor.call("DELETE", `/api/v1/documents/${doc.id}`)).status).toBe(204);
    expect((await editor.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(404);
    expect((await editor.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "x" })).status).toBe(404);
    expect((await editor.call("DELETE", `/api/v1/documents/${doc.id}`)).status).toBe(404);
    const list = await read(await owner.call("GET", `/api/v1/workspaces/${workspaceId}/documents`));
    expect(list.items.map((d: { id: string }) => d.id)).not.toContain(doc.id);
    const trash = await read(await viewer.call("GET", `/api/v1/workspaces/${workspaceId}/trash`));
    expect(trash.items).toEqual([expect.objectContaining({ id: doc.id, title: "Short-lived", trashed_by: editor.id })]);
    expect((await stranger.call("GET", `/api/v1/workspaces/${workspaceId}/trash`)).status).toBe(404);
    expect((await stranger.call("POST", `/api/v1/documents/${doc.id}/restore`)).status).toBe(404);

    const restored = await editor.call("POST", `/api/v1/documents/${doc.id}/restore`);
    expect(restored.status).toBe(200);
    expect(await read(restored)).toMatchObject({ id: doc.id, title: "Short-lived" });
    expect((await viewer.call("GET", `/api/v1/documents/${doc.id}`)).status).toBe(200);
    expect((await editor.call("POST", `/api/v1/documents/${doc.id}/restore`)).status).toBe(409);

    // Past TRASH_RETENTION_DAYS (30): 410.
    expect((await owner.call("DELETE", `/api/v1/documents/${doc.id}`)).status).toBe(204);
    await sql(stack, "update api.documents set trashed_at = now() - interval '31 days' where id = $1", [doc.id]);
    const gone = await owner.call("POST", `/api/v1/documents/${doc.id}/restore`);
    expect(gone.status).toBe(410);
    expect(await read(gone)).toMatchObject({ code: "API_ERR_GONE" });
  });

  describe("with a live editor on the docstore", () => {
    let db: Database;
    let docs: DocStore;
    beforeAll(() => {
      db = createDatabase({ url: stack.database.url, poolSize: 2 });
      docs = createDocStore({ db, logger: createLogger({ service: "test", level: "silent" }), redisUrl: stack.redisUrl });
    });
    afterAll(async () => {
      await docs?.channel.close();
      await db?.close();
    });

    it("keeps both a REST edit of paragraph 1 and a Yjs update in paragraph 2", async () => {
      const doc = await createDocument(editor, workspaceId, "Merge", paragraphs("First paragraph.", "Second paragraph."));
      const olderJson = doc.content.json;

      // A live editor types in paragraph 2, on a Y.Doc loaded from the store.
      const { doc: ydoc } = await docs.load(doc.id);
      const before = Y.encodeStateVector(ydoc);
      const second = ydoc.getXmlFragment("default").get(1) as Y.XmlElement;
      (second.get(0) as Y.XmlText).insert("Second paragraph.".length - 1, " typed live");
      await docs.append(doc.id, Y.encodeStateAsUpdate(ydoc, before), `relay:${owner.id}`);

      // The REST client still holds the older JSON (read at content_seq) and changes paragraph 1 only.
      const edited = structuredClone(olderJson);
      edited.content![0]!.content![0]!.text = "First paragraph, edited over REST.";
      const patched = await editor.call("PATCH", `/api/v1/documents/${doc.id}`, { content: edited, base_seq: doc.content_seq });
      expect(patched.status).toBe(200);

      const after = await read(await viewer.call("GET", `/api/v1/documents/${doc.id}`));
      expect(blockTexts(after.content.json)).toEqual(["First paragraph, edited over REST.", "Second paragraph typed live."]);
      // Content is not metadata: the version (ETag) stays.
      expect(after.version).toBe(1);
    });
  });

  it("writes document.created, updated (changed fields only) and deleted to materi:events:documents", async () => {
    const since = `${Date.now() - 1}-0`;
    const doc = await createDocument(owner, workspaceId, "Evented", "hello");
    await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { title: "Evented 2" });
    const withContent = await read(await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { content: "hello world" }));
    expect((await owner.call("DELETE", `/api/v1/documents/${doc.id}`)).status).toBe(204);
    expect((await owner.call("POST", `/api/v1/documents/${doc.id}/restore`)).status).toBe(200);

    const events = await waitForDocumentEvents(redis, since, doc.id, 5);
    expect(events.map((e) => e.type)).toEqual(["document.created", "document.updated", "document.updated", "document.deleted", "document.updated"]);
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(["api"]));
    for (const e of events) expect(e.payload).toMatchObject({ documentId: doc.id, workspaceId, userId: owner.id, action: e.type.slice("document.".length) });
    expect(events[0]!.payload.content).toEqual({ title: "Evented", content_seq: doc.content_seq });
    expect(events[1]!.payload.content).toEqual({ title: "Evented 2" });
    expect(events[2]!.payload.content).toEqual({ content_seq: withContent.content_seq });
    expect(Object.keys(events[3]!.payload.content ?? {})).toEqual(["trashed_at"]);
    expect(events[4]!.payload.content).toEqual({ trashed_at: null });
  });

  it("describes the routes in /api/v1/openapi.json (OpenAPI 3.1) with their schemas", async () => {
    const res = await fetch(`${stack.base}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const spec = await read(res);
    expect(spec.openapi).toBe("3.1.0");
    const patch = spec.paths["/api/v1/documents/{id}"].patch;
    expect(patch.summary).toEqual(expect.any(String));
    expect(patch.parameters).toEqual(
      expect.arrayContaining([
        { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
        expect.objectContaining({ name: "if-match", in: "header", required: false }),
      ]),
    );
    expect(patch.requestBody.content["application/json"].schema.properties).toHaveProperty("title");
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(["200", "412", "400", "404"]));
    const search = spec.paths["/api/v1/workspaces/{id}/documents"].get;
    expect(search.parameters.map((p: { name: string }) => p.name)).toEqual(["id", "q", "cursor", "limit"]);
    expect(spec.paths["/api/v1/documents"].post.responses).toHaveProperty("201");
    expect(spec.paths["/api/v1/share-links/{token}/redeem"].post).toBeDefined();
    // Every path parameter of every operation is declared.
    for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(item)) expect(op.parameters?.filter((p) => p.in === "path").map((p) => p.name) ?? []).toEqual(names);
    }
  });
});
