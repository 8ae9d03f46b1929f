import { afterEach, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createLogger } from "../logging/createLogger.js";
import { createServiceApp } from "./createServiceApp.js";
import { listen } from "./listen.js";

const KEY = "k".repeat(40);
let app: FastifyInstance | undefined;

async function start(readyOk = true): Promise<string> {
  app = createServiceApp({
    service: "test",
    logger: createLogger({ service: "test", level: "silent" }),
    serviceKeys: ["old-".padEnd(40, "o"), KEY],
    readiness: [{ name: "database", check: async () => { if (!readyOk) throw new Error("connection refused"); } }],
    bodyLimit: 1024,
  });
  app.post("/things", { schema: { body: { type: "object", required: ["name"], properties: { name: { type: "string" } } } } }, async (req) => req.body);
  app.get("/boom", async () => {
    throw new Error("secret database password in stack");
  });
  app.get("/internal/echo", async () => ({ internal: true }));
  return listen(app, "127.0.0.1", 0);
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  return (await res.json()) as Record<string, unknown>;
}

describe("problem+json for every error", () => {
  it("unknown route: 404 with a stable code", async () => {
    const base = await start();
    const res = await fetch(`${base}/nope?x=1`);
    expect(res.status).toBe(404);
    const body = await problem(res);
    expect(body).toMatchObject({ status: 404, code: "PLATFORM_ERR_NOT_FOUND", instance: "/nope", title: "Not Found" });
    expect(body.type).toMatch(/^https:\/\//);
  });

  it("malformed JSON: 400", async () => {
    const base = await start();
    const res = await fetch(`${base}/things`, { method: "POST", headers: { "content-type": "application/json" }, body: "{bad" });
    expect(res.status).toBe(400);
    expect(await problem(res)).toMatchObject({ code: "PLATFORM_ERR_MALFORMED_JSON" });
  });

  it("wrong content type: 415", async () => {
    const base = await start();
    const res = await fetch(`${base}/things`, { method: "POST", headers: { "content-type": "text/xml" }, body: "<a/>" });
    expect(res.status).toBe(415);
    expect(await problem(res)).toMatchObject({ code: "PLATFORM_ERR_UNSUPPORTED_MEDIA_TYPE" });
  });

  it("oversized body: 413", async () => {
    const base = await start();
    const res = await fetch(`${base}/things`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(5000) }),
    });
    expect(res.status).toBe(413);
    expect(await problem(res)).toMatchObject({ code: "PLATFORM_ERR_BODY_TOO_LARGE" });
  });

  it("schema violation: 400 naming the field", async () => {
    const base = await start();
    const res = await fetch(`${base}/things`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.code).toBe("PLATFORM_ERR_VALIDATION");
    expect(String(body.detail)).toContain("name");
  });

  it("unexpected error: 500 that reveals nothing", async () => {
    const base = await start();
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    const text = JSON.stringify(await problem(res));
    expect(text).not.toContain("secret");
    expect(text).not.toContain("at ");
  });
});

describe("health", () => {
  it("healthz and readyz answer 200 when dependencies answer", async () => {
    const base = await start();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { database: "ok" } });
  });

  it("readyz answers 503 naming the dependency that is down", async () => {
    const base = await start(false);
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    const body = await problem(res);
    expect(body.detail).toContain("database");
    expect(body.checks).toEqual({ database: "down: connection refused" });
  });
});

describe("service key", () => {
  it("internal routes need a valid key; every configured key works", async () => {
    const base = await start();
    expect((await fetch(`${base}/internal/echo`)).status).toBe(401);
    expect((await fetch(`${base}/internal/echo`, { headers: { "x-service-key": "wrong".padEnd(40, "w") } })).status).toBe(401);
    const ok = await fetch(`${base}/internal/echo`, { headers: { "x-service-key": KEY } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ internal: true });
    const rotated = await fetch(`${base}/internal/echo`, { headers: { "x-service-key": "old-".padEnd(40, "o") } });
    expect(rotated.status).toBe(200);
  });

  it("public routes refuse a service key", async () => {
    const base = await start();
    const res = await fetch(`${base}/healthz`, { headers: { "x-service-key": KEY } });
    expect(res.status).toBe(400);
    expect(await problem(res)).toMatchObject({ code: "PLATFORM_ERR_SERVICE_KEY_NOT_ALLOWED" });
  });
});

describe("request ids", () => {
  it("accepts a well-formed x-request-id and puts it on the problem", async () => {
    const base = await start();
    const res = await fetch(`${base}/nope`, { headers: { "x-request-id": "abc-123" } });
    expect((await problem(res)).correlation_id).toBe("abc-123");
  });
});
