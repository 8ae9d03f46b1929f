import { SpanStatusCode, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { initTracing, type TracingHandle } from "./initTracing.js";
import { currentTraceId, currentTraceparent, runWithTraceparent, SpanNames, withSpan } from "./spans.js";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;
const TRACEPARENT_FORMAT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;

const exporter = new InMemorySpanExporter();
let tracing: TracingHandle;
beforeAll(() => {
  tracing = initTracing({ service: "relay", exporter });
});
afterAll(() => tracing.shutdown());
afterEach(() => exporter.reset());

describe("withSpan", () => {
  it("runs fn inside a child of the active span and ends it", async () => {
    const outer = await withSpan("outer", {}, async (parent) =>
      withSpan(SpanNames.eventPublish, { stream: "documents", type: "documents.archive", size: 12 }, async (child) => {
        expect(trace.getActiveSpan()).toBe(child);
        return { parent: parent.spanContext(), child: child.spanContext() };
      }),
    );
    expect(outer.child.traceId).toBe(outer.parent.traceId);

    const [publish] = exporter.getFinishedSpans().filter((s) => s.name === "Event Publish");
    expect(publish?.parentSpanContext?.spanId).toBe(outer.parent.spanId);
    expect(publish?.attributes).toEqual({ stream: "documents", type: "documents.archive", size: 12 });
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it("records a rejection, marks the span failed and rethrows the same error", async () => {
    const boom = new Error("db down");
    await expect(withSpan(SpanNames.databaseQuery, { table: "documents", operation: "select" }, async () => Promise.reject(boom))).rejects.toBe(boom);

    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "db down" });
    expect(span?.events[0]?.name).toBe("exception");
  });
});

describe("traceparent helpers", () => {
  it("has no traceparent or trace id outside a span", () => {
    expect(currentTraceparent()).toBeUndefined();
    expect(currentTraceId()).toBeUndefined();
  });

  it("renders the active span as a W3C traceparent", async () => {
    await withSpan("op", {}, async (span) => {
      expect(currentTraceparent()).toMatch(TRACEPARENT_FORMAT);
      expect(currentTraceparent()).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
      expect(currentTraceId()).toBe(span.spanContext().traceId);
    });
  });

  it("continues a message's trace in runWithTraceparent", async () => {
    const consumed = await runWithTraceparent(TRACEPARENT, () =>
      withSpan(SpanNames.eventConsume, { stream: "documents", consumer_group: "aria" }, async (span) => span.spanContext()),
    );
    expect(consumed.traceId).toBe(TRACE_ID);
    expect(exporter.getFinishedSpans()[0]?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
  });

  it("starts a fresh trace for a missing or malformed traceparent, ignoring the ambient one", async () => {
    await withSpan("ambient", {}, async (ambient) => {
      for (const bad of [undefined, "not-a-traceparent"]) {
        const traceId = await runWithTraceparent(bad, () => withSpan("fresh", {}, async (s) => s.spanContext().traceId));
        expect(traceId).not.toBe(ambient.spanContext().traceId);
      }
    });
  });
});
