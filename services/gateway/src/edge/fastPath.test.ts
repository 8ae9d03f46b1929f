import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { EchoUpstream } from "../test-support/echoUpstream.js";
import { FakeShield } from "../test-support/fakeShield.js";
import { rawRequest } from "../test-support/rawRequest.js";
import { json, startTestGateway } from "../test-support/startTestGateway.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(env: Record<string, string> = {}) {
  const shield = await FakeShield.start();
  const api = await EchoUpstream.start("api");
  cleanups.push(() => Promise.all([shield.close(), api.close()]));
  const gateway = await startTestGateway({ SHIELD_URL: shield.url, API_URL: api.url, ...env });
  cleanups.push(() => gateway.close());
  const authed = { authorization: `Bearer ${await shield.mint({ sub: "fast" })}` };
  return { shield, api, gateway, authed };
}

describe("the proxy fast path", () => {
  it("takes proxied API requests and leaves everything else to Fastify", async () => {
    const { gateway, authed } = await setup({ CORS_ORIGINS: "https://app.example.com" });
    await fetch(`${gateway.url}/api/v1/documents/d1`, { headers: authed });
    await fetch(`${gateway.url}/api/v1/auth/token`, { method: "POST", body: "x" });
    for (const path of ["/healthz", "/", "/nope", "/api/v2/x"]) await fetch(`${gateway.url}${path}`);
    // A service key on a public route is the platform's 400; an Origin is @fastify/cors's.
    const keyed = await fetch(`${gateway.url}/api/v1/documents/d2`, { headers: { ...authed, "x-service-key": "k".repeat(40) } });
    expect(keyed.status).toBe(400);
    expect(await json(keyed)).toMatchObject({ code: "PLATFORM_ERR_SERVICE_KEY_NOT_ALLOWED" });
    const cors = await fetch(`${gateway.url}/api/v1/documents/d3`, { headers: { ...authed, origin: "https://app.example.com" } });
    expect(cors.status).toBe(200);
    expect(cors.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(gateway.fastifyUrls).toEqual(["/healthz", "/", "/nope", "/api/v2/x", "/api/v1/documents/d2", "/api/v1/documents/d3"]);
  });

  it("leaves injected requests to Fastify's proxy routes, which answer alike", async () => {
    const { gateway, api, authed } = await setup();
    const response = await gateway.app.inject({ method: "POST", url: "/api/v1/documents/inj?x=1", headers: { ...authed, "content-type": "text/plain" }, payload: "hi" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["ratelimit-limit"]).toBe("10000");
    expect(response.json()).toMatchObject({ service: "api", method: "POST", url: "/api/v1/documents/inj?x=1", body: "hi" });
    expect(api.last!.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(gateway.fastifyUrls).toContain("/api/v1/documents/inj?x=1");
  });

  it("refuses over the limit with a 429 problem, counting with Fastify's requests", async () => {
    const { gateway, authed } = await setup({ RATE_LIMIT_REQUESTS: "3" });
    const first = await fetch(`${gateway.url}/api/v1/documents`);
    expect(first.status).toBe(401);
    expect(first.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(first.headers.get("ratelimit-remaining")).toBe("2");
    expect((await fetch(`${gateway.url}/nope`)).headers.get("ratelimit-remaining")).toBe("1");
    expect((await fetch(`${gateway.url}/api/v1/documents/d1`)).headers.get("ratelimit-remaining")).toBe("0");
    const refused = await fetch(`${gateway.url}/api/v1/documents/d1`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("x-request-id")).toBeTruthy();
    expect(await json(refused)).toMatchObject({ status: 429, code: "PLATFORM_ERR_RATE_LIMITED", instance: "/api/v1/documents/d1" });
    // A signed-in user has a budget of their own.
    expect((await fetch(`${gateway.url}/api/v1/documents/d1`, { headers: authed })).status).toBe(200);
  });

  it("keeps a caller's request id on the answer and upstream, and makes one otherwise", async () => {
    const { gateway, api, authed } = await setup();
    const named = await fetch(`${gateway.url}/api/v1/documents/d1`, { headers: { ...authed, "x-request-id": "req-123" } });
    expect(named.headers.get("x-request-id")).toBe("req-123");
    expect(api.last!.headers["x-correlation-id"]).toBe("req-123");
    const unnamed = await fetch(`${gateway.url}/api/v1/documents/d1`, { headers: { ...authed, "x-request-id": "bad id with spaces" } });
    expect(unnamed.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(api.last!.headers["x-request-id"]).toBe(unnamed.headers.get("x-request-id"));
  });

  it("answers malformed percent-encoding with a 400 problem", async () => {
    const { gateway, authed } = await setup();
    const response = await rawRequest(gateway.url, { path: "/api/v1/documents/%zz", headers: authed });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ code: "PLATFORM_ERR_VALIDATION" });
  });

  it("stops the upstream request when the client goes away", async () => {
    const { gateway, api, authed } = await setup();
    const upstreamClosed = new Promise<void>((resolve) => {
      api.handler = (_req, res) => {
        res.on("close", () => resolve());
        return true; // never answers
      };
    });
    const { hostname, port } = new URL(gateway.url);
    const client = request({ host: hostname, port, path: "/api/v1/documents/slow", headers: authed });
    client.on("error", () => undefined);
    client.end();
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (api.seen.length > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    client.destroy();
    await upstreamClosed;
  });
});
