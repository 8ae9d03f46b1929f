import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAiFake } from "../fakes/openaiFake.js";
import type { FakeProvider } from "../fakes/fakeProviderServer.js";
import { signUp, sharedDocument } from "./api.js";
import { documentText, editorOf, newAccount, screenshot, waitSaved } from "./browser.js";
import { browserSuite } from "./suite.js";

const ANSWER = "Reports arrive in spring,\nnumbers bloom like cherry trees,\nthe quarter closes.";

let openai: FakeProvider;

// OpenAI is a third party: a local server speaking its wire format, driven by aria's real SDK.
beforeAll(async () => {
  openai = await startOpenAiFake({ apiKey: "canvas-test-key", reply: ANSWER, tokenDelayMs: 20 });
});
afterAll(async () => {
  await openai?.close();
});
const suite = browserSuite("ai", () => ({ OPENAI_API_KEY: "canvas-test-key", OPENAI_BASE_URL: `${openai.origin}/v1`, AI_PROVIDER_ORDER: "openai" }));

describe("canvas: AI panel", () => {
  it("streams an answer and inserts it into the document, and the server has it", async () => {
    const ada = newAccount("Ada Lovelace");
    const owner = await signUp(suite.platform.base, ada);
    const doc = await sharedDocument(owner, [], "Poems");
    const page = await suite.open(ada, doc.path);

    await page.getByRole("button", { name: "✦ Ask AI" }).click();
    const panel = page.getByRole("complementary", { name: "AI assistant" });
    await panel.getByLabel("Instructions").fill("A haiku about quarterly reports");
    await panel.getByRole("button", { name: "Generate" }).click();
    await panel.locator(".ai-text").getByText("the quarter closes.").waitFor({ timeout: 15_000 });
    await screenshot(page, "canvas-ai");
    expect(openai.calls.at(-1)?.stream).toBe(true);
    expect(JSON.stringify(openai.calls.at(-1)?.body)).toContain("A haiku about quarterly reports");

    await editorOf(page).click();
    await panel.getByRole("button", { name: "Insert into document" }).click();
    await expect.poll(() => documentText(page)).toContain("numbers bloom like cherry trees");
    await waitSaved(page);
    await expect.poll(async () => (await owner.call<{ content: { markdown: string } }>("GET", `/api/v1/documents/${doc.documentId}`)).content.markdown).toContain("cherry trees");
  });
});
