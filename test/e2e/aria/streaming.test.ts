import { request as httpRequest } from "node:http";
import { beforeEach, describe, expect, it } from "vitest";
import { createDocument, makeWorkspace, sql } from "../api/documentFixtures.js";
import { streamNow } from "../api/membershipHelpers.js";
import { aiEventsOf, parseSse, useAriaPerTest, type SseEvent } from "./ariaStack.js";

// Issue 8: streamed generation as Server-Sent Events through the gateway; fallback before the first
// token, a clear error event after it.
describe("aria: streaming", () => {
  const t = useAriaPerTest("streamer");

  const generate = (body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    fetch(`${t.aria.base}/api/v1/ai/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.user.token}`, "content-type": "application/json", ...headers },
      body: JSON.stringify({ workspace_id: t.workspaceId, operation: "write", prompt: "Tea.", stream: true, ...body }),
    });
  const eventsOf = async (res: Response): Promise<SseEvent[]> => {
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    return parseSse(await res.text());
  };
  const textOf = (events: SseEvent[]) => events.filter((e) => e.event === "token").map((e) => e.data["text"]).join("");

  it("streams OpenAI's tokens as they come, then one done event with usage", async () => {
    const events = await eventsOf(await generate());
    expect(events.filter((e) => e.event === "token")).toHaveLength(5);
    expect(textOf(events)).toBe("Drafted by OpenAI for you.");
    expect(events.at(-1)).toMatchObject({ event: "done", data: { provider: "openai", model: "gpt-4.1-mini", usage: { output_tokens: 5 }, applied: null } });
    expect(events.filter((e) => e.event === "done" || e.event === "error")).toHaveLength(1);
    expect(t.stack.openai.calls[0]?.stream).toBe(true);
  });

  it("relays each token before the provider has finished", async () => {
    t.stack.openai.tokenDelayMs = 300;
    const res = await generate();
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    // The first bytes through the gateway hold the first token and not yet the end of the answer.
    expect(first).toContain('event: token\ndata: {"text":"Drafted "}');
    expect(first).not.toContain("event: done");
    await reader.cancel();
  });

  describe("a client that leaves mid-stream", () => {
    beforeEach(() => {
      t.stack.openai.tokenDelayMs = 200;
    });
    /** The provider's stream was cancelled (the fake saw aria's SDK close the connection) and the generation recorded as such. */
    const expectCancelled = async (ws: string) => {
      await expect.poll(() => t.stack.openai.calls[0]?.closedByClient, { timeout: 5_000 }).toBe(true);
      const rows = () => sql<{ status: string; error: string | null }>(t.stack.api, "select status, error from aria.usage_records where workspace_id = $1", [ws]);
      await expect.poll(rows, { timeout: 10_000 }).toEqual([{ status: "failed", error: "cancelled by the caller" }]);
    };
    const abortFetchAfterFirstToken = async (base: string, ws: string) => {
      const controller = new AbortController();
      const res = await fetch(`${base}/api/v1/ai/generate`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.user.token}`, "content-type": "application/json" },
        body: JSON.stringify({ workspace_id: ws, operation: "write", prompt: "Tea.", stream: true }),
        signal: controller.signal,
      });
      const first = new TextDecoder().decode((await res.body!.getReader().read()).value);
      expect(first).toContain("event: token");
      controller.abort();
    };
    /** Rejects when `stop` has not finished within `ms` (the hang this guards against lasted a minute: Node's headersTimeout). */
    const stopsWithin = (ms: number, stop: () => Promise<void>) =>
      Promise.race([stop(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`stop() still waiting after ${ms} ms`)), ms))]);

    it("a destroyed socket: the provider call stops and the generation is recorded as cancelled", async () => {
      const ws = await makeWorkspace(t.user);
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${t.aria.aria.url}/api/v1/ai/generate`, { method: "POST", headers: { authorization: `Bearer ${t.user.token}`, "content-type": "application/json" } }, (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        });
        req.on("error", reject);
        req.end(JSON.stringify({ workspace_id: ws, operation: "write", prompt: "Tea.", stream: true }));
      });
      await expectCancelled(ws);
    });

    // Node's fetch (undici) opens a spare connection, with no request on it, when a streamed response
    // is aborted; Node's server.close() waited a minute for it, so aria's stop() hung after a cancel.
    it("an aborted fetch: cancelled the same way, a failed AiEvent, and aria still stops at once", async () => {
      const ws = await makeWorkspace(t.user);
      const since = streamNow();
      await abortFetchAfterFirstToken(t.aria.aria.url, ws);
      await expectCancelled(ws);
      const failed = await aiEventsOf(t.redis, since, (e) => e.workspaceId === ws && e.action === "failed", 1);
      expect(failed[0]?.payload).toMatchObject({ provider: "openai", error: "cancelled by the caller" });
      await stopsWithin(3_000, () => t.aria.gateway.stop());
      await stopsWithin(3_000, () => t.aria.aria.stop());
    });

    it("a fetch aborted through the gateway: cancelled the same way, and aria and the gateway both stop at once", async () => {
      const ws = await makeWorkspace(t.user);
      await abortFetchAfterFirstToken(t.aria.base, ws);
      await expectCancelled(ws);
      // The gateway's proxy leaves aria a spare connection, the test's fetch one on the gateway: neither waits.
      await stopsWithin(3_000, () => t.aria.aria.stop());
      await stopsWithin(3_000, () => t.aria.gateway.stop());
    });
  });

  it("streams with Accept: text/event-stream alone", async () => {
    const events = await eventsOf(await generate({ stream: undefined }, { accept: "text/event-stream" }));
    expect(textOf(events)).toBe("Drafted by OpenAI for you.");
  });

  it("falls back to Anthropic's stream when OpenAI fails before its first token", async () => {
    t.stack.openai.next({ kind: "status", status: 500 });
    const events = await eventsOf(await generate());
    expect(textOf(events)).toBe("Written by Claude instead.");
    expect(events.at(-1)).toMatchObject({ event: "done", data: { provider: "anthropic", model: "claude-haiku-4-5", usage: { output_tokens: 4 } } });
    expect(t.stack.anthropic.calls[0]?.stream).toBe(true);
  });

  it("falls back when OpenAI's stream drops before the first token and no retry fits the budget", async () => {
    // A dropped connection is retried as "service unavailable" after 2 s; with no budget, aria falls back at once.
    await t.restartAria({ AI_RETRY_BUDGET_MS: "0" });
    t.stack.openai.next({ kind: "break", afterTokens: 0 });
    const events = await eventsOf(await generate());
    expect(textOf(events)).toBe("Written by Claude instead.");
    expect(t.stack.openai.calls).toHaveLength(1);
  });

  it("falls back when OpenAI sends its headers and then no token within AI_TIMEOUT_MS", async () => {
    await t.restartAria({ AI_TIMEOUT_MS: "300", AI_RETRY_BUDGET_MS: "0" });
    t.stack.openai.next({ kind: "stall" });
    const events = await eventsOf(await generate());
    expect(textOf(events)).toBe("Written by Claude instead.");
    expect(t.stack.openai.calls).toHaveLength(1);
  });

  it("ends with an error event, never a silent truncation, when OpenAI fails after the first token", async () => {
    const since = streamNow();
    t.stack.openai.next({ kind: "break", afterTokens: 2 });
    const doc = await createDocument(t.user, t.workspaceId, "Untouched", "Keep me.");
    const events = await eventsOf(await generate({ document_id: doc.id, apply: true }));
    expect(textOf(events)).toBe("Drafted by ");
    const last = events.at(-1)!;
    expect(last.event).toBe("error");
    expect(last.data).toMatchObject({ code: "ARIA_ERR_STREAM_INTERRUPTED" });
    expect(String(last.data["message"])).toMatch(/openai failed after the first token.*incomplete.*not applied/);
    expect(events.some((e) => e.event === "done")).toBe(false);
    // Not handed to Anthropic: its text would follow OpenAI's half sentence.
    expect(t.stack.anthropic.calls).toHaveLength(0);
    const read = await t.user.call("GET", `/api/v1/documents/${doc.id}`);
    expect(((await read.json()) as { content: { markdown: string } }).content.markdown).toBe("Keep me.");
    const failed = await aiEventsOf(t.redis, since, (e) => e.requestId === last.data["request_id"] && e.action === "failed", 1);
    expect(failed[0]?.payload).toMatchObject({ provider: "openai", workspaceId: t.workspaceId });
  });

  it("reports Anthropic's mid-stream error event the same way", async () => {
    t.stack.openai.next({ kind: "status", status: 500 });
    t.stack.anthropic.next({ kind: "break", afterTokens: 1 });
    const events = await eventsOf(await generate());
    expect(textOf(events)).toBe("Written ");
    expect(events.at(-1)).toMatchObject({ event: "error", data: { code: "ARIA_ERR_STREAM_INTERRUPTED" } });
  });

  it("answers 503 problem+json, not an empty stream, when every provider fails before a token", async () => {
    t.stack.openai.next({ kind: "status", status: 500 });
    t.stack.anthropic.next({ kind: "status", status: 529 });
    const res = await generate();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: "ARIA_ERR_PROVIDERS_UNAVAILABLE" });
  });

  it("applies the streamed text once the stream is done", async () => {
    const doc = await createDocument(t.user, t.workspaceId, "Target", "Start.");
    const events = await eventsOf(await generate({ document_id: doc.id, apply: true }));
    expect(events.at(-1)).toMatchObject({ event: "done", data: { applied: { document_id: doc.id } } });
    const read = await t.user.call("GET", `/api/v1/documents/${doc.id}`);
    expect(((await read.json()) as { content: { markdown: string } }).content.markdown).toBe("Start.\n\nDrafted by OpenAI for you.");
  });
});
