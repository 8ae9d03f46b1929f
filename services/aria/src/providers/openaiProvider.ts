import OpenAI from "openai";
import type { AriaConfig } from "../config.js";
import { toProviderError } from "./providerErrors.js";
import { piecesOf } from "./piecesOf.js";
import type { AiProvider, Completion, ProviderPrompt, StreamPiece } from "./types.js";

/**
 * OpenAI's Chat Completions through the official SDK; any OpenAI-compatible server (Ollama,
 * vLLM) works through OPENAI_BASE_URL. The SDK's own retries are off (maxRetries 0): ours, per
 * the spec's table and inside the breaker, are the ones that count.
 */
export function createOpenAiProvider(config: AriaConfig): AiProvider {
  const client = new OpenAI({
    // A local compatible server needs no key, but the SDK insists on one.
    apiKey: config.OPENAI_API_KEY ?? "unused",
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    maxRetries: 0,
    timeout: config.AI_TIMEOUT_MS,
  });
  const model = config.OPENAI_MODEL;
  const toError = (err: unknown) => toProviderError(err, "openai", OpenAI.APIConnectionTimeoutError);
  const messages = (prompt: ProviderPrompt) => [
    { role: "system" as const, content: prompt.system },
    { role: "user" as const, content: prompt.user },
  ];
  return {
    name: "openai",
    model,
    endpoint: "POST /v1/chat/completions",
    async complete(prompt, signal): Promise<Completion> {
      try {
        const answer = await client.chat.completions.create(
          { model, messages: messages(prompt), max_completion_tokens: prompt.maxTokens },
          { signal },
        );
        return {
          text: answer.choices[0]?.message.content ?? "",
          usage: { inputTokens: answer.usage?.prompt_tokens ?? 0, outputTokens: answer.usage?.completion_tokens ?? 0 },
        };
      } catch (err) {
        throw toError(err);
      }
    },
    async stream(prompt, signal): Promise<AsyncIterator<StreamPiece>> {
      try {
        const chunks = await client.chat.completions.create(
          {
            model,
            messages: messages(prompt),
            max_completion_tokens: prompt.maxTokens,
            stream: true,
            // The last chunk then carries the usage (choices empty).
            stream_options: { include_usage: true },
          },
          { signal },
        );
        return piecesOf(chunks, toError, (chunk) => {
          const pieces: StreamPiece[] = [];
          const text = chunk.choices[0]?.delta.content;
          if (text) pieces.push({ kind: "text", text });
          if (chunk.usage) pieces.push({ kind: "usage", usage: { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens } });
          return pieces;
        });
      } catch (err) {
        throw toError(err);
      }
    },
  };
}
