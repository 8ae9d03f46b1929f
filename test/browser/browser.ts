import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Debian's chromium; CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.join(REPO_ROOT, "test-results");

/** Headless Chromium, or an error that says how to install it (never a skip). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

/** A fresh browser profile (its own storage and IndexedDB) against the platform. */
export async function newContext(browser: Browser, base: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, locale: "en-US" });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export interface Account {
  name: string;
  email: string;
  password: string;
}

let counter = 0;
export function newAccount(name: string): Account {
  counter += 1;
  const slug = name.toLowerCase().replace(/[^a-z]+/g, ".");
  return { name, email: `${slug}.${process.pid}.${Date.now()}.${counter}@example.com`, password: "correct horse battery staple" };
}

/** Signs in through the form and waits for the signed-in shell. */
export async function signIn(page: Page, account: Account, next = "/"): Promise<void> {
  await page.goto(`/signin${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
}

/** The editor body of the open document. */
export function editorOf(page: Page) {
  return page.locator(".ProseMirror");
}

/**
 * Puts the caret at the end of the document, as a person would: the editor turns editable once the
 * person's role is known, and a click before that can land the caret anywhere.
 */
export async function typeAtEnd(page: Page): Promise<void> {
  await page.locator('.ProseMirror[contenteditable="true"]').waitFor({ timeout: 10_000 });
  await editorOf(page).click();
  await page.keyboard.press("Control+End");
}

/** Waits until the status says every local change is acknowledged by the relay. */
export async function waitSaved(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('[data-sync="saved"]').waitFor({ timeout });
}

/** The document's text as the editor holds it, without the others' caret labels. */
export async function documentText(page: Page): Promise<string> {
  const text = await page.evaluate(`(() => {
    const copy = document.querySelector(".ProseMirror").cloneNode(true);
    copy.querySelectorAll(".collab-caret").forEach((caret) => caret.remove());
    return [...copy.children].map((block) => block.textContent).join("\\n");
  })()`);
  return String(text);
}
