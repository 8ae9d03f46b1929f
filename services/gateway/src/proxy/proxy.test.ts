import { createMetrics, httpMetrics, httpTracing, initTracing, type Metrics } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayDeps } from "../app.js";
import { EchoUpstream } from "../test-support/echoUpstream.js";
import { FakeShield } from "../test-support/fakeShield.js";
import { rawRequest } from "../test-support/rawRequest.js";
import { json, startTestGateway, type TestGateway } from "../test-support/startTestGateway.js";

// Every behaviour holds on both ways a proxied request is served: the node:http fast path, and
// Fastify's routes (taken when per-request spans are on, and for CORS requests).
const MODES = [
  { mode: "fast path", deps: {} as Partial<GatewayDeps>, viaFastify: false },
  { mode: "Fastify routes", deps: { traceRequests: true } as Partial<GatewayDeps>, viaFastify: true },
];

function withMetrics(deps: Partial<GatewayDeps>): { deps: Partial<GatewayDeps>; metrics: Metrics } {
  const metrics = createMetrics({ service: "gateway" });
  const instrument = (app: FastifyInstance) => void app.register(httpMetrics, { metrics });
  return { deps: { ...deps, metrics, instrument }, metrics };
}

describe.each(MODES)("proxying through real sockets ($mode)", ({ deps, viaFastify }) => {
  let shield: FakeShield;
  let api: EchoUpstream;
  let gateway: TestGateway;
  let token: string;
  let metrics: Metrics;

  beforeAll(async () => {
    shield = await FakeShield.start();
    api = await EchoUpstream.start("api");
    const instrumented = withMetrics(deps);
    metrics = instrumented.metrics;
    gateway = await startTestGateway({ SHIELD_URL: shield.url, API_URL: api.url, BODY_LIMIT_BYTES: "1024" }, instrumented.deps);
    token = await shield.mint({ sub: "user-42" });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([shield.close(), api.close()]);
  });

  const authed = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

  it("answers an unknown path with a 404 problem", async () => {
    const response = await fetch(`${gateway.url}/nope`, { method: "POST" });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await json(response)).toMatchObject({ status: 404, code: "PLATFORM_ERR_NOT_FOUND" });
  });

  it("never exposes /internal/*, not even to a valid service key", async () => {
    const variants: Array<Record<string, string>> = [{}, { "x-service-key": "k".repeat(40) }, authed()];
    for (const headers of variants) {
      const response = await fetch(`${gateway.url}/internal/x`, { headers });
      expect(response.status).toBe(404);
      expect(await json(response)).toMatchObject({ code: "PLATFORM_ERR_NOT_FOUND" });
    }
  });

  it("forwards method, body, query and headers to the api and returns its answer", async () => {
    const body = JSON.stringify({ title: "Plan", blocks: [1, 2, 3] });
    const response = await fetch(`${gateway.url}/api/v1/documents/d1?fields=title&x=%20y`, {
      method: "PATCH",
      headers: authed({ "content-type": "application/json", "x-request-id": "req-abc", "proxy-authorization": "Basic eA==" }),
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-upstream")).toBe("api");
    expect(response.headers.get("keep-alive")).not.toBe("timeout=5");
    expect(response.headers.get("ratelimit-limit")).toBe("10000");
    expect(await json(response)).toMatchObject({ method: "PATCH", url: "/api/v1/documents/d1?fields=title&x=%20y", body });
    const seen = api.last!;
    expect(seen.headers.authorization).toBe(`Bearer ${token}`);
    expect(seen.headers["x-request-id"]).toBe("req-abc");
    expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen.headers["proxy-authorization"]).toBeUndefined();
    expect(seen.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it("keeps a caller's valid traceparent trace id", async () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await fetch(`${gateway.url}/api/v1/workspaces`, { headers: authed({ traceparent }) });
    expect(api.last!.headers.traceparent).toContain("0af7651916cd43dd8448eb211c80319c");
  });

  it("streams a malformed JSON body to the service unparsed, and relays the service's answer", async () => {
    const response = await fetch(`${gateway.url}/api/v1/documents`, {
      method: "POST",
      headers: authed({ "content-type": "application/json" }),
      body: '{"title": ',
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: "API_ERR_MALFORMED_JSON" });
    expect(api.last!.body).toBe('{"title": ');
  });

  it("passes bodies of any content type byte for byte", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await fetch(`${gateway.url}/api/v1/documents/d1/files`, {
      method: "PUT",
      headers: authed({ "content-type": "application/octet-stream" }),
      body: bytes,
    });
    expect(api.last!.raw.equals(bytes)).toBe(true);
    expect(api.last!.headers["content-length"]).toBe("5");
  });

  it("refuses an oversized body with a 413 problem, declared or streamed", async () => {
    const declared = await fetch(`${gateway.url}/api/v1/documents`, {
      method: "POST",
      headers: authed({ "content-type": "application/json" }),
      body: JSON.stringify({ text: "x".repeat(2000) }),
    });
    expect(declared.status).toBe(413);
    expect(await json(declared)).toMatchObject({ code: "PLATFORM_ERR_BODY_TOO_LARGE" });

    const chunks = [Buffer.alloc(800, 97), Buffer.alloc(800, 98)];
    const streamed = await fetch(`${gateway.url}/api/v1/documents`, {
      method: "POST",
      headers: authed({ "content-type": "text/plain" }),
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("routes public shield endpoints without a token", async () => {
    const response = await fetch(`${gateway.url}/api/v1/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=password&username=a",
    });
    expect(await json(response)).toMatchObject({ service: "shield", url: "/api/v1/auth/token", body: "grant_type=password&username=a" });
    const signUp = await fetch(`${gateway.url}/api/v1/users`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(signUp.status).toBe(200);
    const listing = await fetch(`${gateway.url}/api/v1/users`);
    expect(listing.status).toBe(401);
  });

  it("passes an upstream 503 through without retrying it", async () => {
    let calls = 0;
    api.handler = (_req, res) => {
      calls += 1;
      res.writeHead(503, { "content-type": "application/problem+json", "retry-after": "1" }).end('{"status":503}');
      return true;
    };
    try {
      const response = await fetch(`${gateway.url}/api/v1/documents`, { headers: authed() });
      expect(response.status).toBe(503);
      expect(calls).toBe(1);
    } finally {
      api.handler = undefined;
    }
  });

  it("answers 503 problem+json when the upstream is down", async () => {
    const response = await fetch(`${gateway.url}/api/v1/ai/generate`, { method: "POST", headers: authed(), body: "{}" });
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await json(response)).toMatchObject({ code: "PLATFORM_ERR_UPSTREAM_UNAVAILABLE" });
  });

  it("refuses a path whose '..' segments would leave the routed prefix, however written", async () => {
    const seen = api.seen.length;
    for (const path of ["/api/v1/documents/../users", "/api/v1/documents/%2e%2e/users", "/api/v1/documents/..%5Cusers", "/.well-known/..%2Fapi/v1/users"]) {
      const response = await rawRequest(gateway.url, { path, headers: authed() });
      expect(response.status).toBe(400);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.body)).toMatchObject({ code: "PLATFORM_ERR_VALIDATION" });
    }
    expect(api.seen.length).toBe(seen);
    // Dots inside a segment are just a name.
    expect((await rawRequest(gateway.url, { path: "/api/v1/documents/a..b", headers: authed() })).status).toBe(200);
  });

  it("drops hop-by-hop response fields, and those the upstream's Connection names", async () => {
    api.handler = (_req, res) => {
      res.writeHead(200, { connection: "keep-alive, x-hop", "x-hop": "1", "x-kept": "2", "keep-alive": "timeout=5" }).end("ok");
      return true;
    };
    try {
      const response = await rawRequest(gateway.url, { path: "/api/v1/documents/d1", headers: authed() });
      expect(response.body).toBe("ok");
      expect(response.headers["x-kept"]).toBe("2");
      expect(response.headers["x-hop"]).toBeUndefined();
      expect(response.headers["keep-alive"]).not.toBe("timeout=5");
      expect(response.headers["x-request-id"]).toBeDefined();
    } finally {
      api.handler = undefined;
    }
  });

  it("drops the request fields a client's Connection names, and forwards a body sent after 100 Continue", async () => {
    const response = await rawRequest(gateway.url, {
      method: "POST",
      path: "/api/v1/documents",
      headers: authed({ "content-type": "text/plain", "content-length": "5", expect: "100-continue", connection: "x-secret", "x-secret": "s" }),
      body: "hello",
      waitForContinue: true,
    });
    expect(response.status).toBe(200);
    expect(api.last!.body).toBe("hello");
    expect(api.last!.headers["x-secret"]).toBeUndefined();
    expect(api.last!.headers.expect).toBeUndefined();
  });

  it("streams a response as the upstream writes it", async () => {
    let finish: () => void = () => undefined;
    api.handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      finish = () => res.end("data: last\n\n");
      return true;
    };
    try {
      const response = await fetch(`${gateway.url}/api/v1/documents/d1/events`, { headers: authed() });
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(Buffer.from(first.value!).toString()).toBe("data: first\n\n");
      finish();
      let rest = "";
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += Buffer.from(chunk.value).toString();
      expect(rest).toBe("data: last\n\n");
    } finally {
      api.handler = undefined;
    }
  });

  it("records request metrics under the route pattern, not the raw path", async () => {
    await fetch(`${gateway.url}/api/v1/workspaces/w-${Math.random()}`, { headers: authed() });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/integration_request_total\{service="gateway",method="GET",route="\/api\/v1\/workspaces\/\*",status="200"\} 1/);
    expect(text).not.toMatch(/route="\/api\/v1\/workspaces\/w-/);
  });

  it(`is served by ${viaFastify ? "Fastify" : "the fast path, never reaching Fastify"}`, async () => {
    await fetch(`${gateway.url}/api/v1/documents/which-path`, { headers: authed() });
    expect(gateway.fastifyUrls.includes("/api/v1/documents/which-path")).toBe(viaFastify);
  });
});

describe.each(MODES)("upstream timeouts ($mode)", ({ deps }) => {
  it("answers 504 problem+json when the upstream does not answer in time", async () => {
    const api = await EchoUpstream.start("api");
    api.handler = () => true; // never answers
    const shield = await FakeShield.start();
    const gateway = await startTestGateway({ API_URL: api.url, JWKS_URL: shield.jwksUrl, UPSTREAM_TIMEOUT_MS: "200" }, deps);
    try {
      const token = await shield.mint();
      const response = await fetch(`${gateway.url}/api/v1/documents`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(504);
      expect(await json(response)).toMatchObject({ code: "PLATFORM_ERR_UPSTREAM_TIMEOUT" });
    } finally {
      await gateway.close();
      await Promise.all([api.close(), shield.close()]);
    }
  });
});

describe("trace context with per-request spans", () => {
  it("sends the gateway's own span upstream, as a child of the caller's trace", async () => {
    const tracing = initTracing({ service: "gateway-test" });
    const api = await EchoUpstream.start("api");
    const shield = await FakeShield.start();
    const instrument = (app: FastifyInstance) => void app.register(httpTracing, { service: "gateway" });
    const gateway = await startTestGateway({ API_URL: api.url, JWKS_URL: shield.jwksUrl }, { traceRequests: true, instrument });
    try {
      const token = await shield.mint();
      const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
      await fetch(`${gateway.url}/api/v1/documents/d1`, { headers: { authorization: `Bearer ${token}`, traceparent } });
      const forwarded = String(api.last!.headers.traceparent);
      expect(forwarded).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
      expect(forwarded).not.toContain("b7ad6b7169203331");
    } finally {
      await gateway.close();
      await Promise.all([api.close(), shield.close(), tracing.shutdown()]);
    }
  });
});
