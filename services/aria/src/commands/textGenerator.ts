import type { StoredUpdate } from "@materi/docstore";
import type { ProblemError } from "@materi/platform";
import { appendToDocument } from "../apply/textApplier.js";
import type { AriaContext } from "../context.js";
import { ariaProblem } from "../errors.js";
import { CallerAbortedError } from "../generation/GuardedProvider.js";
import type { TokenUsage } from "../providers/types.js";
import { finishGeneration } from "./generationFinisher.js";
import { startGeneration, type GenerateInput } from "./generationStarter.js";

/** A finished generation, as both the JSON answer and the stream's `done` event present it. */
export interface GeneratedText {
  requestId: string;
  text: string;
  provider: string;
  model: string;
  usage: TokenUsage;
  latencyMs: number;
  /** The docstore update that put the text into the document (apply: true). */
  applied: StoredUpdate | null;
}

/** The whole answer at once: the providers' non-streaming calls, in order, falling back on failure. */
export async function generateText(ctx: AriaContext, input: GenerateInput, signal: AbortSignal): Promise<GeneratedText> {
  const generation = await startGeneration(ctx, input);
  let answer;
  try {
    answer = await ctx.providers.complete(generation.prompt, signal);
  } catch (err) {
    finishGeneration(ctx, generation, { status: "failed", error: failureText(err) });
    throw err;
  }
  const done = { provider: answer.provider, model: answer.model, usage: answer.usage };
  let applied;
  try {
    applied = await applyIfAsked(ctx, input, answer.text);
  } catch (err) {
    const problem = applyFailed(err);
    finishGeneration(ctx, generation, { status: "failed", ...done, error: problem.detail });
    throw problem;
  }
  const { latencyMs } = finishGeneration(ctx, generation, { status: "completed", provider: answer.provider, model: answer.model, usage: answer.usage });
  return { requestId: generation.requestId, text: answer.text, provider: answer.provider, model: answer.model, usage: answer.usage, latencyMs, applied };
}

export function applyIfAsked(ctx: AriaContext, input: GenerateInput, text: string): Promise<StoredUpdate | null> {
  if (!input.apply || input.documentId === undefined) return Promise.resolve(null);
  return appendToDocument(ctx.docs, input.documentId, input.userId, text);
}

/** The text was generated (and its tokens spent) but the docstore refused or failed the write. */
export function applyFailed(cause: unknown): ProblemError {
  return ariaProblem("ARIA_ERR_APPLY_FAILED", "The text was generated but could not be put into the document; nothing was changed.", { cause });
}

export function failureText(err: unknown): string {
  if (err instanceof CallerAbortedError) return "cancelled by the caller";
  return err instanceof Error ? err.message : String(err);
}
