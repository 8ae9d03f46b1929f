import { startFakeProvider, type FakeProvider, type FakeProviderOptions, type WireFormat } from "./fakeProviderServer.js";

/**
 * Anthropic's Messages API on the wire: POST /v1/messages with the key (`x-api-key`, or a bearer
 * token as SDK 1.x sends it) and `anthropic-version`, a `message` JSON answer, or SSE with `event:` names message_start,
 * content_block_start, ping, content_block_delta (text_delta), content_block_stop, message_delta
 * (stop_reason, output usage), message_stop. Errors are `{type: "error", error: {type, message}}`;
 * a failure mid-stream is an `event: error` frame, as the real API sends (overloaded_error).
 */
const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const anthropicFormat: WireFormat = {
  path: "/v1/messages",
  // SDK 1.x sends the key as a bearer token; older clients (and curl examples) use x-api-key.
  authorized: (req, key) =>
    (req.headers["x-api-key"] === key || req.headers.authorization === `Bearer ${key}`) && typeof req.headers["anthropic-version"] === "string",
  errorBody: (status, message) => ({ type: "error", error: { type: ERROR_TYPES[status] ?? "api_error", message } }),
  completion: (body, text, usage) => ({
    id: "msg_fake",
    type: "message",
    role: "assistant",
    model: body["model"],
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
  }),
  streamFrames: (body, tokens, usage) => ({
    head: [
      frame("message_start", {
        type: "message_start",
        message: { id: "msg_fake", type: "message", role: "assistant", model: body["model"], content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.inputTokens, output_tokens: 1 } },
      }),
      frame("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
      frame("ping", { type: "ping" }),
    ],
    tokens: tokens.map((text) => frame("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })),
    tail: [
      frame("content_block_stop", { type: "content_block_stop", index: 0 }),
      frame("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: usage.outputTokens } }),
      frame("message_stop", { type: "message_stop" }),
    ],
  }),
  breakFrame: () => frame("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
};

/** A fake Anthropic; give the SDK `baseURL: fake.origin`. */
export function startAnthropicFake(opts?: FakeProviderOptions): Promise<FakeProvider> {
  return startFakeProvider(anthropicFormat, opts);
}
