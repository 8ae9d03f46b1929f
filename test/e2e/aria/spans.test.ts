import { SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { initTracing } from "@materi/platform";
import { afterAll, describe, expect, it } from "vitest";
import { parseSse, useAriaPerTest } from "./ariaStack.js";

// Tracing is one provider per process and the first initTracing wins: this one, with an exporter the
// test reads, before aria starts (its own call then shares it).
const exporter = new InMemorySpanExporter();
const tracing = initTracing({ service: "aria-spans-test", exporter });

// Issue 8 / spec "Distributed Tracing": an `External Call` span (service, endpoint) per provider call.
describe("aria: External Call spans", () => {
  const t = useAriaPerTest("tracer");
  afterAll(() => tracing.shutdown());

  const generate = async (body: Record<string, unknown>) => {
    exporter.reset();
    const res = await fetch(`${t.aria.base}/api/v1/ai/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.user.token}`, "content-type": "application/json" },
      body: JSON.stringify({ workspace_id: t.workspaceId, operation: "write", prompt: "Tea.", ...body }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res;
  };
  // The provider calls; aria's calls to the api are External Calls too.
  const externalCalls = () => exporter.getFinishedSpans().filter((s) => s.name === "External Call" && ["openai", "anthropic"].includes(String(s.attributes["service"])));
  const msOf = (span: ReadableSpan) => span.duration[0] * 1_000 + span.duration[1] / 1e6;

  it("spans a whole answer, with the provider and its endpoint", async () => {
    await generate({});
    await expect.poll(() => externalCalls().length).toBe(1);
    expect(externalCalls()[0]?.attributes).toEqual({ service: "openai", endpoint: "POST /v1/chat/completions" });
  });

  it("ends a stream's span when the stream ends, not at its first token, which an attribute marks", async () => {
    // 5 tokens, 150 ms apart: the provider is busy at least 600 ms after its first token.
    t.stack.openai.tokenDelayMs = 150;
    const events = parseSse(await (await generate({ stream: true })).text());
    expect(events.at(-1)?.event).toBe("done");
    await expect.poll(() => externalCalls().length).toBe(1);
    const [span] = externalCalls();
    expect(span?.attributes).toMatchObject({ service: "openai", endpoint: "POST /v1/chat/completions" });
    const firstTokenMs = span?.attributes["first_token_ms"];
    expect(typeof firstTokenMs).toBe("number");
    expect(msOf(span!)).toBeGreaterThanOrEqual(600);
    expect(firstTokenMs as number).toBeLessThan(msOf(span!));
    expect(span?.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it("marks a stream's span failed when the provider fails after its first token", async () => {
    t.stack.openai.next({ kind: "break", afterTokens: 2 });
    const events = parseSse(await (await generate({ stream: true })).text());
    expect(events.at(-1)?.event).toBe("error");
    await expect.poll(() => externalCalls().length).toBe(1);
    const [span] = externalCalls();
    expect(span?.attributes["first_token_ms"]).toBeTypeOf("number");
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("gives each provider tried its own span: a failed OpenAI, then Anthropic's stream", async () => {
    t.stack.openai.next({ kind: "status", status: 500 });
    await (await generate({ stream: true })).text();
    await expect.poll(() => externalCalls().length).toBe(2);
    const [openai, anthropic] = externalCalls();
    expect(openai).toMatchObject({ attributes: { service: "openai" }, status: { code: SpanStatusCode.ERROR } });
    expect(openai?.attributes["first_token_ms"]).toBeUndefined();
    expect(anthropic?.attributes).toMatchObject({ service: "anthropic", endpoint: "POST /v1/messages" });
    expect(anthropic?.attributes["first_token_ms"]).toBeTypeOf("number");
  });
});
