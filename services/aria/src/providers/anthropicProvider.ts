import Anthropic from "@anthropic-ai/sdk";
import type { AriaConfig } from "../config.js";
import { toProviderError } from "./providerErrors.js";
import { piecesOf } from "./piecesOf.js";
import type { AiProvider, Completion, StreamPiece } from "./types.js";

/** Anthropic's Messages API through the official SDK, its own retries off (see openaiProvider.ts). */
export function createAnthropicProvider(config: AriaConfig): AiProvider {
  const client = new Anthropic({
    apiKey: config.ANTHROPIC_API_KEY ?? "unused",
    ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}),
    maxRetries: 0,
    timeout: config.AI_TIMEOUT_MS,
  });
  const model = config.ANTHROPIC_MODEL;
  const toError = (err: unknown) => toProviderError(err, "anthropic", Anthropic.APIConnectionTimeoutError);
  return {
    name: "anthropic",
    model,
    endpoint: "POST /v1/messages",
    async complete(prompt, signal): Promise<Completion> {
      try {
        const message = await client.messages.create(
          { model, max_tokens: prompt.maxTokens, system: prompt.system, messages: [{ role: "user", content: prompt.user }] },
          { signal },
        );
        const text = message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
        return { text, usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens } };
      } catch (err) {
        throw toError(err);
      }
    },
    async stream(prompt, signal): Promise<AsyncIterator<StreamPiece>> {
      try {
        const events = await client.messages.create(
          { model, max_tokens: prompt.maxTokens, system: prompt.system, messages: [{ role: "user", content: prompt.user }], stream: true },
          { signal },
        );
        return piecesOf(events, toError, (event): StreamPiece[] => {
          switch (event.type) {
            case "message_start":
              return [{ kind: "usage", usage: { inputTokens: event.message.usage.input_tokens } }];
            case "content_block_delta":
              return event.delta.type === "text_delta" && event.delta.text !== "" ? [{ kind: "text", text: event.delta.text }] : [];
            case "message_delta":
              // Cumulative output tokens of the whole message.
              return [{ kind: "usage", usage: { outputTokens: event.usage.output_tokens } }];
            default:
              return [];
          }
        });
      } catch (err) {
        throw toError(err);
      }
    },
  };
}
