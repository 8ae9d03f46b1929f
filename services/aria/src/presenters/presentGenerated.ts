import type { GeneratedText } from "../commands/textGenerator.js";

/** The JSON answer of POST /api/v1/ai/generate (and, without `text`, the stream's `done` event). */
export function presentGenerated(generated: GeneratedText) {
  return {
    request_id: generated.requestId,
    text: generated.text,
    provider: generated.provider,
    model: generated.model,
    usage: {
      input_tokens: generated.usage.inputTokens,
      output_tokens: generated.usage.outputTokens,
      total_tokens: generated.usage.inputTokens + generated.usage.outputTokens,
    },
    latency_ms: generated.latencyMs,
    applied: generated.applied === null ? null : { document_id: generated.applied.documentId, seq: generated.applied.seq },
  };
}
