import http from "node:http";
import { SpanKind, SpanStatusCode, context, propagation, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { currentCorrelationId } from "../context/requestContext.js";
import { httpTracing } from "./httpTracing.js";
import { initTracing, type TracingHandle } from "./initTracing.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN_ID = "00f067aa0ba902b7";
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;

const exporter = new InMemorySpanExporter();
let tracing: TracingHandle;
beforeAll(() => {
  tracing = initTracing({ service: "api", exporter });
});
afterAll(() => tracing.shutdown());

const servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((app) => app.close()));
  exporter.reset();
});

/** What a handler saw of the ambient contexts. */
interface Seen {
  spanId: string | undefined;
  traceId: string | undefined;
  correlationId: string;
}

function seen(): Seen {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return { spanId: spanContext?.spanId, traceId: spanContext?.traceId, correlationId: currentCorrelationId() };
}

async function start(setup: (app: FastifyInstance) => void): Promise<string> {
  let n = 0;
  const app = Fastify({ logger: false, genReqId: () => `req-${++n}` });
  servers.push(app);
  await app.register(httpTracing, { service: "api" });
  setup(app);
  return app.listen({ port: 0, host: "127.0.0.1" });
}

async function serverSpan(path: string): Promise<ReadableSpan> {
  return vi.waitFor(() => {
    const span = exporter.getFinishedSpans().find((s) => s.name === "HTTP Request" && s.attributes["path"] === path);
    if (span === undefined) throw new Error(`no HTTP Request span for ${path} yet`);
    return span;
  });
}

describe("httpTracing", () => {
  it("continues the caller's trace with an HTTP Request server span", async () => {
    const base = await start((app) => app.get("/api/v1/documents/:id", async () => seen()));
    const res = await fetch(`${base}/api/v1/documents/42?full=1`, { headers: { traceparent: TRACEPARENT } });
    const inHandler = (await res.json()) as Seen;

    const span = await serverSpan("/api/v1/documents/:id");
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(span.attributes).toEqual({ method: "GET", path: "/api/v1/documents/:id", status: 200 });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(inHandler).toEqual({ spanId: span.spanContext().spanId, traceId: TRACE_ID, correlationId: "req-1" });
    expect(res.headers.get("x-correlation-id")).toBe("req-1");
  });

  it("keeps span and correlation id through body parsing and async hooks", async () => {
    const base = await start((app) => {
      app.addHook("preHandler", async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
      });
      app.post("/api/v1/workspaces", async () => seen());
    });
    const res = await fetch(`${base}/api/v1/workspaces`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-correlation-id": "corr-7" },
      body: JSON.stringify({ name: "w".repeat(100_000) }),
    });
    const inHandler = (await res.json()) as Seen;

    const span = await serverSpan("/api/v1/workspaces");
    expect(inHandler).toEqual({ spanId: span.spanContext().spanId, traceId: span.spanContext().traceId, correlationId: "corr-7" });
    expect(res.headers.get("x-correlation-id")).toBe("corr-7");
  });

  it("falls back to x-request-id and rejects forged ids", async () => {
    const base = await start((app) => app.get("/id", async () => currentCorrelationId()));
    const viaRequestId = await fetch(`${base}/id`, { headers: { "x-request-id": "lb-123" } });
    expect(await viaRequestId.text()).toBe("lb-123");
    const forged = await fetch(`${base}/id`, { headers: { "x-correlation-id": "a b\tc" } });
    const replaced = await forged.text();
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    expect(forged.headers.get("x-correlation-id")).toBe(replaced);
  });

  it("marks 5xx as errors and names unmatched paths without their query", async () => {
    const base = await start((app) =>
      app.get("/boom", async () => {
        throw new Error("kaput");
      }),
    );
    expect((await fetch(`${base}/boom`)).status).toBe(500);
    expect((await fetch(`${base}/no/such/path?secret=1`)).status).toBe(404);

    const failed = await serverSpan("/boom");
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes["status"]).toBe(500);
    expect(failed.events.map((e) => e.name)).toContain("exception");
    const missing = await serverSpan("/no/such/path");
    expect(missing.attributes["status"]).toBe(404);
    expect(missing.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("propagates the trace to an outbound call made from the handler", async () => {
    const downstream = await start((app) => app.get("/echo", async (request) => ({ traceparent: request.headers.traceparent })));
    const base = await start((app) =>
      app.get("/proxy", async () => {
        const headers: Record<string, string> = {};
        propagation.inject(context.active(), headers);
        return (await fetch(`${downstream}/echo`, { headers })).json();
      }),
    );
    const res = await fetch(`${base}/proxy`, { headers: { traceparent: TRACEPARENT } });
    const { traceparent } = (await res.json()) as { traceparent?: string };

    const proxySpan = await serverSpan("/proxy");
    expect(traceparent).toBe(`00-${TRACE_ID}-${proxySpan.spanContext().spanId}-01`);
    const echoSpan = await serverSpan("/echo");
    expect(echoSpan.spanContext().traceId).toBe(TRACE_ID);
    expect(echoSpan.parentSpanContext?.spanId).toBe(proxySpan.spanContext().spanId);
  });
  it("ends the span as an error when the client hangs up first", async () => {
    let arrived: () => void = () => {};
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    const base = await start((app) =>
      app.get("/slow", async (request) => {
        arrived();
        await new Promise((resolve) => request.raw.socket.once("close", resolve));
        return "too late";
      }),
    );
    // node:http rather than fetch: destroy() closes the socket at once, undici keeps it for reuse.
    const client = http.get(`${base}/slow`);
    client.on("error", () => {}); // the hang-up is the point of this test
    await inHandler;
    client.destroy();

    const span = await serverSpan("/slow");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "client aborted the request" });
    expect(span.attributes["status"]).toBeUndefined();
  });
});
