import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDocument, makeWorkspace, sql } from "../api/documentFixtures.js";
import { newTestUser, type TestUser } from "../api/stack.js";
import { startAriaOn, startProviderStack, type AriaUnderTest, type ProviderStack } from "./ariaStack.js";

// Issue 8: who may generate (through the api's /internal/permissions and /internal/memberships),
// per-workspace quotas, and `apply` writing into the document through the docstore.
describe("aria: access, quota and apply", () => {
  let stack: ProviderStack;
  let aria: AriaUnderTest;
  let owner: TestUser;
  let viewer: TestUser;
  let outsider: TestUser;
  let workspaceId: string;

  beforeAll(async () => {
    stack = await startProviderStack();
    aria = await startAriaOn(stack);
    [owner, viewer, outsider] = await Promise.all([newTestUser(stack.api, "owner"), newTestUser(stack.api, "viewer"), newTestUser(stack.api, "outsider")]);
    workspaceId = await makeWorkspace(owner, [[viewer, "viewer"]]);
  });
  afterAll(async () => {
    await aria?.close();
    await stack?.close();
  });
  beforeEach(() => {
    stack.openai.reset();
    stack.anthropic.reset();
  });

  const generate = (user: TestUser | null, body: Record<string, unknown>, base = aria.base) =>
    fetch(`${base}/api/v1/ai/generate`, {
      method: "POST",
      headers: { ...(user ? { authorization: `Bearer ${user.token}` } : {}), "content-type": "application/json" },
      body: JSON.stringify({ workspace_id: workspaceId, operation: "write", prompt: "Something.", ...body }),
    });
  const problemOf = async (res: Response) => (await res.json()) as { code: string; detail: string };

  it("gives a non-member 404 for the workspace and for its document, before any provider call", async () => {
    const doc = await createDocument(owner, workspaceId, "Private");
    const noWorkspace = await generate(outsider, {});
    expect(noWorkspace.status).toBe(404);
    expect(await problemOf(noWorkspace)).toMatchObject({ code: "ARIA_ERR_WORKSPACE_NOT_FOUND" });
    const noDocument = await generate(outsider, { document_id: doc.id });
    expect(noDocument.status).toBe(404);
    expect(await problemOf(noDocument)).toMatchObject({ code: "ARIA_ERR_DOCUMENT_NOT_FOUND" });
    // A document named under another workspace is not found either.
    const otherWorkspace = await makeWorkspace(outsider);
    const mismatched = await generate(outsider, { workspace_id: otherWorkspace, document_id: doc.id });
    expect(mismatched.status).toBe(404);
    expect(stack.openai.calls).toHaveLength(0);
  });

  it("lets any member generate for the workspace, but only editors and above for a document", async () => {
    expect((await generate(viewer, {})).status).toBe(200);
    const doc = await createDocument(owner, workspaceId, "Shared");
    const refused = await generate(viewer, { document_id: doc.id, operation: "rewrite", selection: "text" });
    expect(refused.status).toBe(403);
    expect(await problemOf(refused)).toMatchObject({ code: "ARIA_ERR_FORBIDDEN" });
    expect(stack.openai.calls).toHaveLength(1);
  });

  it("verifies the access token itself, not only at the gateway", async () => {
    expect((await generate(null, {}, aria.aria.url)).status).toBe(401);
    const forged = await fetch(`${aria.aria.url}/api/v1/ai/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token.slice(0, -4)}AAAA`, "content-type": "application/json" },
      body: JSON.stringify({ workspace_id: workspaceId, operation: "write", prompt: "x" }),
    });
    expect(forged.status).toBe(401);
    expect((await generate(owner, {}, aria.aria.url)).status).toBe(200);
  });

  it("answers 503 when the api cannot be asked, without calling a provider", async () => {
    const cutOff = await startAriaOn(stack, { API_URL: "http://127.0.0.1:1" });
    try {
      const res = await generate(owner, {}, cutOff.base);
      expect(res.status).toBe(503);
      expect(await problemOf(res)).toMatchObject({ code: "ARIA_ERR_PERMISSIONS_UNAVAILABLE" });
      expect(stack.openai.calls).toHaveLength(0);
    } finally {
      await cutOff.close();
    }
  });

  it("renews a grant in the background once past half its life, and drops it as soon as the api refuses", async () => {
    const cached = await startAriaOn(stack, { AI_ACCESS_CACHE_MS: "3000" });
    try {
      const leaving = await makeWorkspace(owner, [[viewer, "viewer"]]);
      expect((await generate(viewer, { workspace_id: leaving }, cached.base)).status).toBe(200);
      await sql(stack.api, "delete from api.members where workspace_id = $1 and user_id = $2", [leaving, viewer.id]);
      // Within the first half the grant is trusted without asking; past it, the request still
      // goes through on the grant and starts its renewal, whose refusal drops it long before
      // the 3 s would have run out.
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      expect((await generate(viewer, { workspace_id: leaving }, cached.base)).status).toBe(200);
      await expect.poll(async () => (await generate(viewer, { workspace_id: leaving }, cached.base)).status, { timeout: 1_000, interval: 50 }).toBe(404);
    } finally {
      await cached.close();
    }
  });

  it("refuses bad input with a 4xx problem", async () => {
    expect((await generate(owner, { operation: "dance" })).status).toBe(400);
    expect((await generate(owner, { workspace_id: "nope" })).status).toBe(400);
    const applyWithoutDocument = await generate(owner, { apply: true });
    expect(applyWithoutDocument.status).toBe(422);
    expect(await problemOf(applyWithoutDocument)).toMatchObject({ code: "ARIA_ERR_INVALID_REQUEST" });
    const summarizeNothing = await generate(owner, { operation: "summarize", prompt: "" });
    expect(summarizeNothing.status).toBe(422);
    expect(stack.openai.calls).toHaveLength(0);
  });

  it("counts tokens per workspace and day, and answers 429 once the quota is used", async () => {
    const quotaWorkspace = await makeWorkspace(owner);
    await sql(stack.api, "insert into aria.quotas (workspace_id, daily_tokens) values ($1, 10)", [quotaWorkspace]);
    const first = await generate(owner, { workspace_id: quotaWorkspace });
    expect(first.status).toBe(200);
    const { usage } = (await first.json()) as { usage: { total_tokens: number } };
    // The record is written just after the answer.
    const dayOf = async () => (await sql<{ tokens: string; generations: number }>(stack.api, "select tokens, generations from aria.daily_usage where workspace_id = $1", [quotaWorkspace]))[0];
    await expect.poll(dayOf).toEqual({ tokens: String(usage.total_tokens), generations: 1 });

    const second = await generate(owner, { workspace_id: quotaWorkspace });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await second.json()).toMatchObject({ code: "ARIA_ERR_QUOTA_EXCEEDED", used_tokens: usage.total_tokens, limit_tokens: 10 });
    expect(stack.openai.calls).toHaveLength(1);
    // Another workspace is not held back.
    expect((await generate(owner, {})).status).toBe(200);
  });

  it("apply: true puts the text into the document as a Yjs update tagged ai:<user>, read back through the api", async () => {
    const doc = await createDocument(owner, workspaceId, "Notes", "# Notes\n\nFirst line about tea.");
    const res = await generate(owner, { document_id: doc.id, operation: "continue", prompt: "", apply: true });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { applied: { document_id: string; seq: number } };
    expect(body.applied).toMatchObject({ document_id: doc.id });
    // `continue` sends the document's text to the provider.
    expect(JSON.stringify(stack.openai.calls[0]?.body)).toContain("First line about tea.");

    const read = await owner.call("GET", `/api/v1/documents/${doc.id}`);
    const content = ((await read.json()) as { content: { markdown: string } }).content.markdown;
    expect(content).toBe("# Notes\n\nFirst line about tea.\n\nDrafted by OpenAI for you.");
    const [update] = await sql<{ origin: string }>(stack.api, "select origin from docstore.updates where document_id = $1 and seq = $2", [doc.id, body.applied.seq]);
    expect(update?.origin).toBe(`ai:${owner.id}`);
  });
});
