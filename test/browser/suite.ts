import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser, newContext, signIn, type Account } from "./browser.js";
import { startPlatform, type Platform } from "./platform.js";

export interface BrowserSuite {
  readonly platform: Platform;
  readonly browser: Browser;
  /** A page in a fresh browser profile (own storage, own IndexedDB); closed after the file. */
  newPage(): Promise<Page>;
  /** A fresh profile signed in as `account` on `path`, once the document there is synced. */
  open(account: Account, path: string): Promise<Page>;
}

/**
 * One platform and one Chromium for a test file (hooks registered here). `env` is read when the
 * platform starts, so it may name things other beforeAll hooks started first (a fake provider).
 */
export function browserSuite(label: string, env: () => Record<string, string> = () => ({})): BrowserSuite {
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    platform = await startPlatform(label, env());
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await platform?.close();
  });
  const suite: BrowserSuite = {
    get platform() {
      if (!platform) throw new Error("the platform has not started");
      return platform;
    },
    get browser() {
      if (!browser) throw new Error("the browser has not started");
      return browser;
    },
    newPage: async () => {
      const context = await newContext(suite.browser, suite.platform.base);
      contexts.push(context);
      return context.newPage();
    },
    open: async (account, path) => {
      const page = await suite.newPage();
      await signIn(page, account, path);
      await page.waitForURL(`**${path}`);
      await page.locator('[data-sync="saved"], [data-sync="readonly"]').waitFor({ timeout: 15_000 });
      return page;
    },
  };
  return suite;
}
