import { describe, expect, it } from "vitest";
import { signUp, sharedDocument } from "./api.js";
import { documentText, editorOf, newAccount, screenshot, typeAtEnd, waitSaved, type Account } from "./browser.js";
import { browserSuite } from "./suite.js";

const suite = browserSuite("offline");
const open = (account: Account, path: string) => suite.open(account, path);

describe("canvas: offline mode", () => {
  it("keeps edits made while the relay is down, across a reload, and merges them when it returns", async () => {
    const ada = newAccount("Ada Lovelace");
    const grace = newAccount("Grace Hopper");
    const owner = await signUp(suite.platform.base, ada);
    const editor = await signUp(suite.platform.base, grace);
    const doc = await sharedDocument(owner, [{ user: editor, role: "editor" }], "Launch plan");

    const adaPage = await open(ada, doc.path);
    const gracePage = await open(grace, doc.path);
    await typeAtEnd(adaPage);
    await adaPage.keyboard.type("Before the outage.");
    await editorOf(gracePage).getByText("Before the outage.").waitFor({ timeout: 10_000 });
    await waitSaved(adaPage);

    // Playwright's setOffline does not cut WebSockets: stop the relay itself.
    await suite.platform.stopRelay();
    await adaPage.locator('[data-sync="offline"]').waitFor({ timeout: 15_000 });
    await adaPage.getByText("You are offline").waitFor();
    await typeAtEnd(adaPage);
    await adaPage.keyboard.type(" Written offline.");
    // y-indexeddb writes each update as it happens; give the write its moment before reloading.
    await adaPage.waitForTimeout(500);

    await adaPage.reload();
    await editorOf(adaPage).getByText("Before the outage. Written offline.").waitFor({ timeout: 15_000 });
    await adaPage.locator('[data-sync="offline"], [data-sync="connecting"]').first().waitFor();
    await screenshot(adaPage, "canvas-offline");
    expect(await documentText(gracePage)).toBe("Before the outage.");

    await suite.platform.startRelay();
    await editorOf(gracePage).getByText("Before the outage. Written offline.").waitFor({ timeout: 30_000 });
    await waitSaved(adaPage, 30_000);
    expect(await documentText(gracePage)).toBe("Before the outage. Written offline.");
    expect(await documentText(adaPage)).toBe("Before the outage. Written offline.");
  });
});
