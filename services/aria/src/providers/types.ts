import type { ProviderName } from "../config.js";

/** What one provider is asked: a system instruction and the user's text. */
export interface ProviderPrompt {
  system: string;
  user: string;
  /** Most tokens to write. */
  maxTokens: number;
}

/** Tokens a generation used, as the provider counted them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A whole answer (the non-streaming call). */
export interface Completion {
  text: string;
  usage: TokenUsage;
}

/** One piece of a streamed answer: text as it arrives, the usage once the provider reports it. */
export type StreamPiece = { kind: "text"; text: string } | { kind: "usage"; usage: Partial<TokenUsage> };

/**
 * One provider behind its official SDK. Both calls reject with the SDK's error turned into the
 * platform's HttpError (status + headers) when the provider answered, so the spec's retry table
 * and the breaker read it; see providerErrors.ts.
 */
export interface AiProvider {
  readonly name: ProviderName;
  readonly model: string;
  /** The endpoint, for the `External Call` span, e.g. "POST /v1/chat/completions". */
  readonly endpoint: string;
  complete(prompt: ProviderPrompt, signal: AbortSignal): Promise<Completion>;
  /** Resolves once the provider answered with a stream; the pieces follow. */
  stream(prompt: ProviderPrompt, signal: AbortSignal): Promise<AsyncIterator<StreamPiece>>;
}
