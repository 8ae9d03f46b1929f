import { startFakeProvider, type FakeProvider, type FakeProviderOptions, type WireFormat } from "./fakeProviderServer.js";

/**
 * OpenAI's Chat Completions on the wire: POST /v1/chat/completions with `Authorization: Bearer`,
 * a `chat.completion` JSON answer, or `chat.completion.chunk` SSE frames (`data: {...}`) ending
 * with a usage chunk when `stream_options.include_usage` is set, then `data: [DONE]`. Errors are
 * `{error: {message, type, param, code}}`; a failure mid-stream drops the connection.
 */
const openaiFormat: WireFormat = {
  path: "/v1/chat/completions",
  authorized: (req, key) => req.headers.authorization === `Bearer ${key}`,
  errorBody: (status, message) => ({
    error: { message, type: status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error", param: null, code: null },
  }),
  completion: (body, text, usage) => ({
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body["model"],
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens },
  }),
  streamFrames: (body, tokens, usage) => {
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: body["model"], choices, ...extra })}\n\n`;
    const delta = (d: Record<string, unknown>, finish: string | null = null) => [{ index: 0, delta: d, logprobs: null, finish_reason: finish }];
    const includeUsage = (body["stream_options"] as { include_usage?: boolean } | undefined)?.include_usage === true;
    const tail = [chunk(delta({}, "stop"))];
    if (includeUsage) tail.push(chunk([], { usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens } }));
    tail.push("data: [DONE]\n\n");
    return { head: [chunk(delta({ role: "assistant", content: "" }))], tokens: tokens.map((t) => chunk(delta({ content: t }))), tail };
  },
  breakFrame: () => null,
};

/** A fake OpenAI; give the SDK `baseURL: fake.origin + "/v1"`. */
export function startOpenAiFake(opts?: FakeProviderOptions): Promise<FakeProvider> {
  return startFakeProvider(openaiFormat, opts);
}
