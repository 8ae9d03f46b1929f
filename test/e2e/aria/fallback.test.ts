import { describe, expect, it } from "vitest";
import { streamNow } from "../api/membershipHelpers.js";
import { SERVICE_KEY } from "../api/stack.js";
import { aiEventsOf, startAriaOn, useAriaPerTest, type AriaUnderTest } from "./ariaStack.js";

// Issue 8: provider fallback, retries and breakers, through the gateway, aria and the official SDKs
// against local servers speaking OpenAI's and Anthropic's wire formats.
describe("aria: POST /api/v1/ai/generate with provider fallback", () => {
  const t = useAriaPerTest("writer");

  const generate = (via: AriaUnderTest, body: Record<string, unknown> = {}) =>
    fetch(`${via.base}/api/v1/ai/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.user.token}`, "content-type": "application/json" },
      body: JSON.stringify({ workspace_id: t.workspaceId, operation: "write", prompt: "A line about tea.", ...body }),
    });

  it("answers from OpenAI first, with usage, and records started/completed AiEvents", async () => {
    const since = streamNow();
    const res = await generate(t.aria);
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { request_id: string; text: string; provider: string; model: string; usage: { input_tokens: number; output_tokens: number; total_tokens: number } };
    expect(body).toMatchObject({ text: "Drafted by OpenAI for you.", provider: "openai", model: "gpt-4.1-mini" });
    expect(body.usage.output_tokens).toBe(5);
    expect(body.usage.total_tokens).toBe(body.usage.input_tokens + 5);
    expect(t.stack.openai.calls).toHaveLength(1);
    expect(t.stack.openai.calls[0]?.body).toMatchObject({ model: "gpt-4.1-mini", messages: [{ role: "system" }, { role: "user" }] });
    expect(String((t.stack.openai.calls[0]?.body["messages"] as { content: string }[])[1]?.content)).toContain("A line about tea.");
    expect(t.stack.anthropic.calls).toHaveLength(0);

    const events = await aiEventsOf(t.redis, since, (e) => e.requestId === body.request_id, 2);
    expect(events.map((e) => e.type)).toEqual(["ai.generation.started", "ai.generation.completed"]);
    expect(events[1]?.payload).toMatchObject({ workspaceId: t.workspaceId, userId: t.user.id, action: "completed", provider: "openai", model: "gpt-4.1-mini", outputTokens: 5n });
    expect(events[1]?.payload.inputTokens).toBe(BigInt(body.usage.input_tokens));
  });

  it("hands the request to Anthropic when OpenAI answers 500", async () => {
    t.stack.openai.next({ kind: "status", status: 500 });
    const res = await generate(t.aria);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ text: "Written by Claude instead.", provider: "anthropic", model: "claude-haiku-4-5" });
    // A 500 is an upstream bug: not retried, handed on at once.
    expect(t.stack.openai.calls).toHaveLength(1);
    expect(t.stack.anthropic.calls).toHaveLength(1);
    expect(t.stack.anthropic.calls[0]?.body).toMatchObject({ model: "claude-haiku-4-5", max_tokens: 1024 });
  });

  it("waits out OpenAI's 429 Retry-After: 1, retries, and gets OpenAI's answer", async () => {
    t.stack.openai.next({ kind: "status", status: 429, headers: { "retry-after": "1" } });
    const started = Date.now();
    const res = await generate(t.aria);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ provider: "openai", text: "Drafted by OpenAI for you." });
    expect(t.stack.openai.calls).toHaveLength(2);
    expect(t.stack.anthropic.calls).toHaveLength(0);
    // The retry came after the provider's wait, not at once.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("falls back when a 429's Retry-After is past the retry budget", async () => {
    t.stack.openai.next({ kind: "status", status: 429, headers: { "retry-after": "20" } });
    const res = await generate(t.aria);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ provider: "anthropic" });
    expect(t.stack.openai.calls).toHaveLength(1);
  });

  it("answers 503 problem+json naming both failures when both providers are down, and records the failure", async () => {
    const since = streamNow();
    t.stack.openai.next({ kind: "status", status: 500 });
    t.stack.anthropic.next({ kind: "status", status: 500 });
    const res = await generate(t.aria);
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as { code: string; detail: string; providers: { provider: string; reason: string }[] };
    expect(problem.code).toBe("ARIA_ERR_PROVIDERS_UNAVAILABLE");
    expect(problem.providers.map((p) => p.provider)).toEqual(["openai", "anthropic"]);
    expect(problem.detail).toMatch(/openai answered 500.*anthropic answered 500/);
    const events = await aiEventsOf(t.redis, since, (e) => e.workspaceId === t.workspaceId && e.action === "failed", 1);
    expect(events[0]?.payload.error).toMatch(/No AI provider could answer/);
  });

  it("opens OpenAI's breaker after 3 failures: the next request goes straight to Anthropic", async () => {
    t.stack.openai.always({ kind: "status", status: 500 });
    for (let i = 0; i < 3; i++) {
      const res = await generate(t.aria);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ provider: "anthropic" });
    }
    expect(t.stack.openai.calls).toHaveLength(3);
    const res = await generate(t.aria);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ provider: "anthropic" });
    expect(t.stack.openai.calls).toHaveLength(3);
    expect(t.stack.anthropic.calls).toHaveLength(4);

    const status = await fetch(`${t.aria.aria.url}/internal/status`, { headers: { "x-service-key": SERVICE_KEY } });
    expect(status.status).toBe(200);
    const body = (await status.json()) as { providers: { name: string; breaker: string; calls: number; error_rate: number | null }[] };
    expect(body.providers.find((p) => p.name === "openai")).toMatchObject({ breaker: "open", calls: 3, error_rate: 1 });
    expect(body.providers.find((p) => p.name === "anthropic")).toMatchObject({ breaker: "closed", calls: 4, error_rate: 0 });
    const metrics = await (await fetch(`${t.aria.aria.url}/metrics`)).text();
    expect(metrics).toMatch(/circuit_breaker_state\{target="ai-provider:openai"\} 1/);
    expect(metrics).toMatch(/ai_provider_request_duration_seconds_count\{provider="openai",model="gpt-4.1-mini",outcome="error"\} 3/);
    expect(metrics).toMatch(/ai_tokens_total\{provider="anthropic",model="claude-haiku-4-5",kind="output"\} 16/);
  });

  it("says which variables to set when no provider is configured", async () => {
    const bare = await startAriaOn(t.stack, { OPENAI_API_KEY: "", OPENAI_BASE_URL: "", ANTHROPIC_API_KEY: "", ANTHROPIC_BASE_URL: "" });
    try {
      const res = await generate(bare);
      expect(res.status).toBe(503);
      const problem = (await res.json()) as { code: string; detail: string };
      expect(problem.code).toBe("ARIA_ERR_NO_PROVIDER");
      expect(problem.detail).toMatch(/OPENAI_API_KEY.*OPENAI_BASE_URL.*ANTHROPIC_API_KEY/);
      expect(t.stack.openai.calls).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });

  it("GET /internal/status needs the service key", async () => {
    expect((await fetch(`${t.aria.aria.url}/internal/status`)).status).toBe(401);
    const res = await fetch(`${t.aria.aria.url}/internal/status`, { headers: { "x-service-key": SERVICE_KEY } });
    expect(await res.json()).toMatchObject({ order: ["openai", "anthropic"], providers: [{ name: "openai", breaker: "closed" }, { name: "anthropic" }] });
  });
});
