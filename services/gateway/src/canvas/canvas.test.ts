import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startTestGateway, type TestGateway } from "../test-support/startTestGateway.js";

describe("canvas static files", () => {
  let dir: string;
  let gateway: TestGateway;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "canvas-"));
    await mkdir(path.join(dir, "assets"));
    await writeFile(path.join(dir, "index.html"), "<!doctype html><title>canvas app</title>");
    await writeFile(path.join(dir, "assets", "app-abc123.js"), "console.log(1)");
    gateway = await startTestGateway({ CANVAS_DIR: dir });
  });
  afterAll(async () => {
    await gateway.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves index.html at / and for browser navigations to app routes", async () => {
    for (const url of ["/", "/documents/d1", "/w/acme/settings"]) {
      const response = await fetch(`${gateway.url}${url}`, { headers: { accept: "text/html,application/xhtml+xml" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(await response.text()).toContain("canvas app");
    }
  });

  it("serves fingerprinted assets as immutable", async () => {
    const response = await fetch(`${gateway.url}/assets/app-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("immutable");
    expect(await response.text()).toBe("console.log(1)");
  });

  it("answers a missing file (not a navigation) with a 404 problem", async () => {
    const response = await fetch(`${gateway.url}/assets/missing.js`);
    expect(response.status).toBe(404);
    expect(await json(response)).toMatchObject({ code: "PLATFORM_ERR_NOT_FOUND" });
  });

  it("never serves files outside its directory", async () => {
    const response = await fetch(`${gateway.url}/..%2f..%2fetc%2fpasswd`, { headers: { accept: "text/html" } });
    expect(await response.text()).not.toContain("root:");
  });

  it("does not answer unknown API paths with the app shell", async () => {
    const response = await fetch(`${gateway.url}/.well-known/unknown`, { headers: { accept: "text/html" } });
    expect(response.status).not.toBe(200);
  });
});

describe("without a built canvas", () => {
  it("serves the placeholder page at /", async () => {
    const gateway = await startTestGateway({ CANVAS_DIR: path.resolve(import.meta.dirname, "../../placeholder") });
    try {
      const response = await fetch(`${gateway.url}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await response.text()).toContain("<h1>Materi</h1>");
    } finally {
      await gateway.close();
    }
  });
});
