import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicFake } from "../../fakes/anthropicFake.js";
import type { FakeProvider } from "../../fakes/fakeProviderServer.js";
import { startOpenAiFake } from "../../fakes/openaiFake.js";

// The fakes aria is tested against must speak the providers' real wire formats: the official SDKs,
// used directly, read them as they read OpenAI and Anthropic.
describe("fake providers through the official SDKs", () => {
  let openaiFake: FakeProvider;
  let anthropicFake: FakeProvider;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    [openaiFake, anthropicFake] = await Promise.all([startOpenAiFake({ reply: "One two three." }), startAnthropicFake({ reply: "Four five." })]);
    openai = new OpenAI({ apiKey: "test-key", baseURL: `${openaiFake.origin}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: "test-key", baseURL: anthropicFake.origin, maxRetries: 0 });
  });
  afterAll(async () => {
    await Promise.all([openaiFake?.close(), anthropicFake?.close()]);
  });
  const messages = [{ role: "user" as const, content: "Count." }];

  it("OpenAI chat completions, whole and streamed with usage", async () => {
    const whole = await openai.chat.completions.create({ model: "gpt-4.1-mini", messages });
    expect(whole.choices[0]?.message.content).toBe("One two three.");
    expect(whole.usage?.completion_tokens).toBe(3);
    const stream = await openai.chat.completions.create({ model: "gpt-4.1-mini", messages, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe("One two three.");
    expect(usage?.completion_tokens).toBe(3);
  });

  it("Anthropic messages, whole and streamed", async () => {
    const whole = await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages });
    expect(whole.content).toEqual([{ type: "text", text: "Four five." }]);
    const stream = anthropic.messages.stream({ model: "claude-haiku-4-5", max_tokens: 64, messages });
    const final = await stream.finalMessage();
    expect(final.content).toMatchObject([{ type: "text", text: "Four five." }]);
    expect(final.usage.output_tokens).toBe(2);
  });

  it("errors the SDKs recognise: 429 with Retry-After, a bad key, a mid-stream error event", async () => {
    openaiFake.next({ kind: "status", status: 429, headers: { "retry-after": "1" } });
    const limited = await openai.chat.completions.create({ model: "m", messages }).catch((err: unknown) => err);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("1");

    const wrongKey = new Anthropic({ apiKey: "wrong", baseURL: anthropicFake.origin, maxRetries: 0 });
    await expect(wrongKey.messages.create({ model: "m", max_tokens: 8, messages })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);

    anthropicFake.next({ kind: "break", afterTokens: 1 });
    const stream = await anthropic.messages.create({ model: "m", max_tokens: 8, messages, stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect(seen).toContain("content_block_delta");
  });
});
