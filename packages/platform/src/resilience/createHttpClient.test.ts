import type { ServerResponse } from "node:http";
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { startUpstream } from "../../../../test/helpers/localUpstream.js";
import { runWithContext } from "../context/requestContext.js";
import { createBreaker } from "./createBreaker.js";
import { createHttpClient, type HttpClientOptions } from "./createHttpClient.js";
import { BreakerOpenError, HttpError } from "./errors.js";
import { BREAKER_SETTINGS } from "./settings.js";

const exporter = new InMemorySpanExporter();

beforeAll(() => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

function clientFor(opts: HttpClientOptions) {
  const slept: number[] = [];
  const client = createHttpClient({
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...opts,
  });
  onTestFinished(() => client.close());
  return { client, slept };
}

const json = (res: ServerResponse, status: number, body: unknown, type = "application/json") => {
  res.writeHead(status, { "content-type": type });
  res.end(JSON.stringify(body));
};

describe("createHttpClient against a real local upstream", () => {
  it("retries a 503 per the service-unavailable policy and returns the 200", async () => {
    let calls = 0;
    const upstream = await startUpstream((req, res, body) => {
      calls += 1;
      if (calls === 1) json(res, 503, { title: "warming up" });
      else json(res, 200, { echoed: JSON.parse(body) as unknown });
    });
    const breaker = createBreaker({ name: "shield", settings: BREAKER_SETTINGS.shield });
    const { client, slept } = clientFor({ service: "shield", baseUrl: `${upstream.baseUrl}/v1`, breaker });

    const res = await client.request<{ echoed: unknown }>({ method: "POST", path: "/checks", body: { a: 1 } });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ echoed: { a: 1 } });
    expect(slept).toEqual([2_000]);
    expect(upstream.received.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /v1/checks", "POST /v1/checks"]);
    expect(upstream.received[0]?.headers["content-type"]).toBe("application/json");
    expect(breaker.state).toBe("closed");
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.attributes["http.response.status_code"])).toEqual([503, 200]);
  });

  it("rejects a 404 with an HttpError carrying the problem document, without retrying", async () => {
    const problem = { type: "about:blank", title: "Not Found", status: 404, detail: "no such doc", code: "API_ERR_X" };
    const upstream = await startUpstream((_req, res) => json(res, 404, problem, "application/problem+json"));
    const { client, slept } = clientFor({ service: "api", baseUrl: upstream.baseUrl });

    const err = await client.request({ method: "GET", path: "/docs/7" }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 404, body: problem });
    expect((err as HttpError).headers["content-type"]).toBe("application/problem+json");
    expect(upstream.received).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it("sends traceparent and x-correlation-id and records an External Call span", async () => {
    const upstream = await startUpstream((_req, res) => json(res, 200, { ok: true }));
    const { client } = clientFor({
      service: "shield",
      baseUrl: upstream.baseUrl,
      headers: () => ({ "X-Service-Key": "k1" }),
    });

    await runWithContext({ correlationId: "corr-42" }, () =>
      client.request({ method: "get", path: "/v1/users/42?expand=roles" }),
    );

    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe("External Call");
    expect(span?.attributes).toMatchObject({ service: "shield", endpoint: "GET /v1/users/:id" });
    const { traceId, spanId } = span!.spanContext();
    const headers = upstream.received[0]?.headers;
    expect(headers?.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(headers?.["x-correlation-id"]).toBe("corr-42");
    expect(headers?.["x-service-key"]).toBe("k1");
  });

  it("counts every attempt in the breaker and surfaces BreakerOpenError without retrying it", async () => {
    const upstream = await startUpstream((_req, res) => json(res, 503, {}));
    const breaker = createBreaker({ name: "database", settings: BREAKER_SETTINGS.database });
    const { client, slept } = clientFor({ service: "store", baseUrl: upstream.baseUrl, breaker });

    const err = await client.request({ method: "GET", path: "/x" }).catch((e: unknown) => e);

    // Two 503s open the 2-failure breaker; the third attempt is refused and not retried.
    expect(err).toBeInstanceOf(BreakerOpenError);
    expect(upstream.received).toHaveLength(2);
    expect(slept).toEqual([2_000, 4_000]);
  });

  it("re-reads headers after refreshAuth for the single 401 retry", async () => {
    const upstream = await startUpstream((req, res) =>
      req.headers.authorization === "Bearer fresh" ? json(res, 200, {}) : json(res, 401, {}),
    );
    let token = "stale";
    const { client } = clientFor({
      service: "shield",
      baseUrl: upstream.baseUrl,
      headers: () => ({ authorization: `Bearer ${token}` }),
      refreshAuth: async () => {
        token = "fresh";
      },
    });
    await expect(client.request({ method: "GET", path: "/me" })).resolves.toMatchObject({ status: 200 });
    expect(upstream.received).toHaveLength(2);
  });

  it("times an attempt out with a TimeoutError after timeoutMs", async () => {
    const upstream = await startUpstream(() => undefined); // never answers
    const { client } = clientFor({ service: "slow", baseUrl: upstream.baseUrl, timeoutMs: 50, retry: false });
    await expect(client.request({ method: "GET", path: "/" })).rejects.toMatchObject({ name: "TimeoutError" });
  });
});
