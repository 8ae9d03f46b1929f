import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { signUp } from "./api.js";
import { editorOf, newAccount, screenshot, signIn, waitSaved } from "./browser.js";
import { browserSuite } from "./suite.js";

const suite = browserSuite("signup");

describe("canvas: from an empty database to a first document", () => {
  it("signs up, creates a workspace and a document, and the text reaches the server", async () => {
    const page = await suite.newPage();
    const account = newAccount("Ada Lovelace");

    await page.goto("/");
    await page.waitForURL("**/signin");
    await screenshot(page, "canvas-signin");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Name").fill(account.name);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Create account" }).click();

    await page.getByRole("heading", { name: "Welcome, Ada" }).waitFor();
    await screenshot(page, "canvas-welcome");
    await page.getByLabel("Workspace name").fill("Analytical Engine");
    await page.getByRole("button", { name: "Create workspace" }).click();

    await page.getByRole("button", { name: "Create your first document" }).click();
    const title = page.getByLabel("Document title");
    await title.fill("Notes on the Engine");
    await title.press("Enter");
    await page.getByRole("navigation", { name: "Documents" }).getByText("Notes on the Engine").waitFor();

    const editor = editorOf(page);
    await editor.click();
    await page.keyboard.type("The engine weaves algebraic patterns.");
    await waitSaved(page);
    await screenshot(page, "canvas-first-document");

    // What the server holds, read through the API with the app's own session.
    const documentId = await page.locator("[data-document-id]").getAttribute("data-document-id");
    const token = await page.evaluate("JSON.parse(localStorage.getItem('materi.session')).accessToken");
    const response = await fetch(`${suite.platform.base}/api/v1/documents/${documentId}`, { headers: { authorization: `Bearer ${String(token)}` } });
    const doc = (await response.json()) as { title: string; content: { markdown: string } };
    expect(doc.title).toBe("Notes on the Engine");
    expect(doc.content.markdown).toContain("The engine weaves algebraic patterns.");
  });

  it("explains a wrong password with Shield's message", async () => {
    const page = await suite.newPage();
    await page.goto("/signin");
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect((await alert.textContent())?.length ?? 0).toBeGreaterThan(5);
    expect(await alert.textContent()).not.toMatch(/\b(undefined|null|\[object)/);
  });

  it("a refused access token is refreshed once and the request retried, without signing out", async () => {
    const page = await suite.newPage();
    const account = newAccount("Refresh Tester");
    await page.goto("/signup");
    await page.getByLabel("Name").fill(account.name);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByLabel("Workspace name").waitFor();

    // A token the gateway refuses (as an expired one would be): the next call gets a 401.
    const refreshBefore = await page.evaluate("JSON.parse(localStorage.getItem('materi.session')).refreshToken");
    await page.evaluate("(() => { const s = JSON.parse(localStorage.getItem('materi.session')); s.accessToken = 'expired.' + s.accessToken; localStorage.setItem('materi.session', JSON.stringify(s)); })()");
    const statuses: number[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname === "/api/v1/workspaces") statuses.push(response.status());
    });
    await page.reload();
    await page.getByLabel("Workspace name").fill("Still signed in");
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.getByRole("button", { name: "Create your first document" }).waitFor();
    expect(statuses.slice(0, 2)).toEqual([401, 200]);
    expect(await page.evaluate("JSON.parse(localStorage.getItem('materi.session')).refreshToken")).not.toBe(refreshBefore);
  });

  it("resets a forgotten password with the mailed link", async () => {
    const account = newAccount("Forgetful Fred");
    await signUp(suite.platform.base, account);
    const page = await suite.newPage();
    await page.goto("/signin");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill(account.email);
    await page.getByRole("button", { name: "Send the link" }).click();
    await page.getByText("a link to reset its password is on its way").waitFor();

    await expect.poll(() => resetLinkFor(account.email), { timeout: 10_000 }).toMatch(/reset-password\?token=/);
    const url = new URL((await resetLinkFor(account.email))!);
    await page.goto(url.pathname + url.search);
    await page.getByLabel("New password").fill("a brand new passphrase");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Your password was changed.").waitFor();
    await signIn(page, { ...account, password: "a brand new passphrase" });
    await page.getByRole("heading", { name: "Welcome, Forgetful" }).waitFor();
  });
});

/** The reset link mailed to `email`: the file transport writes .eml files with a base64 body. */
async function resetLinkFor(email: string): Promise<string | undefined> {
  const files = await readdir(suite.platform.mailDir).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith(".eml"))) {
    const mail = await readFile(path.join(suite.platform.mailDir, file), "utf8");
    if (!mail.includes(`To: ${email}\r\n`)) continue;
    const body = Buffer.from(mail.split("\r\n\r\n")[1]!.replace(/\r\n/g, ""), "base64").toString("utf8");
    return /https?:\/\/\S+reset-password\?token=[A-Za-z0-9_-]+/.exec(body)?.[0];
  }
  return undefined;
}
