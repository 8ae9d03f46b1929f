import { describe, expect, it } from "vitest";
import { signUp, sharedDocument } from "./api.js";
import { documentText, editorOf, newAccount, screenshot, signIn, waitSaved, type Account } from "./browser.js";
import { browserSuite } from "./suite.js";

// No AI provider configured: the AI panel must say so.
const suite = browserSuite("documents");
const open = (account: Account, path: string) => suite.open(account, path);

describe("canvas: documents", () => {
  it("a title change that lost a race shows both titles and keeps the chosen one", async () => {
    const ada = newAccount("Ada Lovelace");
    const owner = await signUp(suite.platform.base, ada);
    const doc = await sharedDocument(owner, [], "Draft");
    const page = await open(ada, doc.path);

    const title = page.getByLabel("Document title");
    await title.fill("Ada's title");
    // Someone else renames it first, while Ada is still typing.
    await owner.call("PATCH", `/api/v1/documents/${doc.documentId}`, { title: "Their title" });
    await title.press("Enter");

    const dialog = page.getByRole("dialog", { name: "The title was changed by someone else" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("Their title");
    expect(await dialog.textContent()).toContain("Ada's title");
    await screenshot(page, "canvas-title-conflict");
    await dialog.getByRole("button", { name: "Keep mine" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(async () => (await owner.call<{ title: string }>("GET", `/api/v1/documents/${doc.documentId}`)).title).toBe("Ada's title");
  });

  it("saves, previews and restores a revision; the restore arrives in the open editor", async () => {
    const ada = newAccount("Ada Lovelace");
    const owner = await signUp(suite.platform.base, ada);
    const doc = await sharedDocument(owner, [], "History");
    const page = await open(ada, doc.path);

    await editorOf(page).click();
    await page.keyboard.type("First version.");
    await waitSaved(page);
    await page.getByRole("button", { name: "History" }).click();
    const panel = page.getByRole("complementary", { name: "Revision history" });
    await panel.getByRole("button", { name: "Save a revision now" }).click();
    await panel.getByText("Saved a revision of the current state.").waitFor();

    await editorOf(page).click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Second thoughts.");
    await waitSaved(page);

    await panel.locator(".rev").first().click();
    await panel.locator(".md-preview").getByText("First version.").waitFor();
    expect(await panel.locator(".md-preview").textContent()).not.toContain("Second thoughts.");
    await screenshot(page, "canvas-history");
    await panel.getByRole("button", { name: "Restore this version" }).click();
    await expect.poll(() => documentText(page), { timeout: 15_000 }).toBe("First version.");
  });

  it("shares with a person and by link; the link opens the document read-only for someone outside the workspace", async () => {
    const ada = newAccount("Ada Lovelace");
    const grace = newAccount("Grace Hopper");
    const linus = newAccount("Linus Reader");
    const owner = await signUp(suite.platform.base, ada);
    await signUp(suite.platform.base, grace);
    await signUp(suite.platform.base, linus);
    const doc = await sharedDocument(owner, [], "Shared plan");
    const page = await open(ada, doc.path);
    await editorOf(page).click();
    await page.keyboard.type("For your eyes.");
    await waitSaved(page);

    await page.getByRole("button", { name: "Share" }).click();
    const dialog = page.getByRole("dialog", { name: "Share “Shared plan”" });
    await dialog.getByLabel("Invite people").fill(grace.email);
    await dialog.getByRole("button", { name: "Share", exact: true }).click();
    await dialog.getByText(`Shared with ${grace.email}.`).waitFor();
    await dialog.locator(".row", { hasText: "Grace Hopper" }).waitFor();

    await dialog.getByLabel("Link role").selectOption("viewer");
    await dialog.getByRole("button", { name: "Create link" }).click();
    const link = await dialog.getByLabel("New share link").inputValue();
    await screenshot(page, "canvas-share");

    // Grace (a direct share, editor by default) opens it from the URL.
    const gracePage = await open(grace, doc.path);
    await editorOf(gracePage).getByText("For your eyes.").waitFor();
    expect(await editorOf(gracePage).getAttribute("contenteditable")).toBe("true");

    // Linus follows the link: redeemed, redirected, read-only.
    const linusPage = await suite.newPage();
    const sharePath = new URL(link).pathname;
    await signIn(linusPage, linus, sharePath);
    await linusPage.waitForURL(`**${doc.path}`);
    await editorOf(linusPage).getByText("For your eyes.").waitFor({ timeout: 15_000 });
    await linusPage.getByText("View only").waitFor();
    expect(await editorOf(linusPage).getAttribute("contenteditable")).toBe("false");
  });

  it("trashes and restores a document, finds it by search, and explains that AI is not configured", async () => {
    const ada = newAccount("Ada Lovelace");
    const owner = await signUp(suite.platform.base, ada);
    const doc = await sharedDocument(owner, [], "Quarterly report");
    await owner.call("POST", "/api/v1/documents", { workspace_id: doc.workspaceId, title: "Holiday rota" });
    const page = await open(ada, doc.path);

    await page.getByRole("button", { name: "✦ Ask AI" }).click();
    const ai = page.getByRole("complementary", { name: "AI assistant" });
    await ai.getByLabel("Instructions").fill("A haiku about reports");
    await ai.getByRole("button", { name: "Generate" }).click();
    await ai.getByText("AI is not configured on this server").waitFor();
    await screenshot(page, "canvas-ai-not-configured");

    const nav = page.getByRole("navigation", { name: "Documents" });
    await page.getByLabel("Search documents").fill("quarterly");
    await expect.poll(() => nav.locator(".doc-link").allTextContents()).toEqual([expect.stringContaining("Quarterly report")]);
    await page.getByLabel("Search documents").fill("");

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Move to trash" }).click();
    await page.waitForURL(`**/w/${doc.workspaceId}`);
    await expect.poll(() => nav.locator(".doc-link").allTextContents()).toEqual([expect.stringContaining("Holiday rota")]);
    await page.getByRole("link", { name: "Trash" }).click();
    await page.locator(".row", { hasText: "Quarterly report" }).getByRole("button", { name: "Restore" }).click();
    await page.waitForURL(`**${doc.path}`);
    await nav.getByText("Quarterly report").waitFor();
  });

  it("workspace settings: rename, add a member, invite an unknown address, change a role, revoke the invitation", async () => {
    const ada = newAccount("Ada Lovelace");
    const grace = newAccount("Grace Hopper");
    const owner = await signUp(suite.platform.base, ada);
    await signUp(suite.platform.base, grace);
    const doc = await sharedDocument(owner, [], "Anything");
    const page = await open(ada, doc.path);

    page.setDefaultTimeout(8_000);
    await page.getByRole("link", { name: "Members & settings" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Engine room");
    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByText("Workspace renamed.").waitFor();
    await expect.poll(() => page.locator("#workspace-switcher option:checked").textContent()).toBe("Engine room");

    await page.getByLabel("Add people by email").fill(grace.email);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByText(`${grace.email} was added.`).waitFor();
    await page.getByLabel("Role of Grace Hopper").selectOption("viewer");
    await page.getByText("Role changed.").waitFor();

    const stranger = `nobody.${Date.now()}@example.com`;
    await page.getByLabel("Add people by email").fill(stranger);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByText(`${stranger} has no account yet: an invitation was sent.`).waitFor();
    const invitation = page.locator(".row", { hasText: stranger });
    await invitation.waitFor();
    await screenshot(page, "canvas-settings");

    const members = await owner.call<{ items: Array<{ email: string; role: string }> }>("GET", `/api/v1/workspaces/${doc.workspaceId}/members`);
    expect(members.items.find((m) => m.email === grace.email)?.role).toBe("viewer");
    await invitation.getByRole("button", { name: "Revoke" }).click();
    await invitation.waitFor({ state: "detached" });
    const open_ = await owner.call<{ items: unknown[] }>("GET", `/api/v1/workspaces/${doc.workspaceId}/invitations`);
    expect(open_.items).toEqual([]);
  });
});
