import { describe, expect, it } from "vitest";
import { signUp, sharedDocument } from "./api.js";
import { documentText, editorOf, newAccount, screenshot, typeAtEnd, waitSaved, type Account } from "./browser.js";
import { browserSuite } from "./suite.js";

const suite = browserSuite("collab");
const open = (account: Account, path: string) => suite.open(account, path);

describe("canvas: real-time collaboration", () => {
  it("two people edit one document and see each other's text and cursors", async () => {
    const ada = newAccount("Ada Lovelace");
    const grace = newAccount("Grace Hopper");
    const owner = await signUp(suite.platform.base, ada);
    const editor = await signUp(suite.platform.base, grace);
    const doc = await sharedDocument(owner, [{ user: editor, role: "editor" }]);

    const adaPage = await open(ada, doc.path);
    const gracePage = await open(grace, doc.path);

    await typeAtEnd(adaPage);
    await adaPage.keyboard.type("Ada writes the first line.");
    await editorOf(gracePage).getByText("Ada writes the first line.").waitFor({ timeout: 10_000 });

    await typeAtEnd(gracePage);
    await gracePage.keyboard.press("Enter");
    await gracePage.keyboard.type("Grace adds a second.");
    await editorOf(adaPage).getByText("Grace adds a second.").waitFor({ timeout: 10_000 });

    // Each sees the other's caret labelled with their name.
    await adaPage.locator(".collab-caret-label", { hasText: "Grace Hopper" }).waitFor({ timeout: 10_000 });
    await gracePage.locator(".collab-caret-label", { hasText: "Ada Lovelace" }).waitFor({ timeout: 10_000 });
    await waitSaved(adaPage);
    await waitSaved(gracePage);
    await screenshot(adaPage, "canvas-collaboration");

    expect(await documentText(adaPage)).toBe("Ada writes the first line.\nGrace adds a second.");
    expect(await documentText(gracePage)).toBe(await documentText(adaPage));
  });

  it("a viewer sees the live text but cannot type", async () => {
    const ada = newAccount("Ada Lovelace");
    const linus = newAccount("Linus Viewer");
    const owner = await signUp(suite.platform.base, ada);
    const viewer = await signUp(suite.platform.base, linus);
    const doc = await sharedDocument(owner, [{ user: viewer, role: "viewer" }]);

    const adaPage = await open(ada, doc.path);
    const viewerPage = await open(linus, doc.path);
    await typeAtEnd(adaPage);
    await adaPage.keyboard.type("Only editors change this.");
    await editorOf(viewerPage).getByText("Only editors change this.").waitFor({ timeout: 10_000 });

    expect(await editorOf(viewerPage).getAttribute("contenteditable")).toBe("false");
    await editorOf(viewerPage).click();
    await viewerPage.keyboard.type("viewer was here");
    await viewerPage.getByText("View only").waitFor();
    await screenshot(viewerPage, "canvas-viewer");
    expect(await documentText(viewerPage)).toBe("Only editors change this.");
    expect(await documentText(adaPage)).toBe("Only editors change this.");
    expect(await viewerPage.getByLabel("Document title").getAttribute("readonly")).not.toBeNull();
  });
});
