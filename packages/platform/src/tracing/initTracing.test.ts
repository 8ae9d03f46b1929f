import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { initTracing, tracesUrl } from "./initTracing.js";
import { currentTraceparent } from "./spans.js";

function emit(name: string): void {
  trace.getTracer("test").startSpan(name).end();
}

describe("initTracing", () => {
  it("is idempotent: later callers share the first provider and keep their own tracer name", async () => {
    const first = new InMemorySpanExporter();
    const second = new InMemorySpanExporter();
    const shield = initTracing({ service: "shield", exporter: first });
    const api = initTracing({ service: "api", exporter: second });

    api.tracer.startSpan("from api").end();
    const [span] = first.getFinishedSpans();
    expect(span?.name).toBe("from api");
    expect(span?.instrumentationScope.name).toBe("api");
    expect(span?.resource.attributes["service.name"]).toBe("shield");
    expect(second.getFinishedSpans()).toEqual([]);

    // Releasing one caller keeps tracing alive for the others.
    await api.shutdown();
    await api.shutdown();
    emit("after api left");
    expect(first.getFinishedSpans().map((s) => s.name)).toContain("after api left");

    await shield.shutdown();
    emit("after everyone left");
    expect(first.getFinishedSpans().map((s) => s.name)).not.toContain("after everyone left");
  });

  it("installs afresh after the last shutdown", async () => {
    const exporter = new InMemorySpanExporter();
    const aria = initTracing({ service: "aria", exporter });
    aria.tracer.startActiveSpan("op", (span) => {
      expect(currentTraceparent()).toContain(span.spanContext().traceId);
      span.end();
    });
    expect(exporter.getFinishedSpans()[0]?.resource.attributes["service.name"]).toBe("aria");
    await aria.shutdown();
  });

  it("creates recording spans with trace ids even with no exporter configured", async () => {
    const gateway = initTracing({ service: "gateway" });
    const span = gateway.tracer.startSpan("op");
    expect(span.isRecording()).toBe(true);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
    span.end();
    await gateway.shutdown();
  });
});

describe("tracesUrl", () => {
  it("appends the OTLP traces path to a base endpoint once", () => {
    expect(tracesUrl("http://otel:4318")).toBe("http://otel:4318/v1/traces");
    expect(tracesUrl("http://otel:4318/")).toBe("http://otel:4318/v1/traces");
    expect(tracesUrl("http://otel:4318/v1/traces")).toBe("http://otel:4318/v1/traces");
  });
});
