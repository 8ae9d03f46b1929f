import type { FastifyReply } from "fastify";
import type { AriaContext } from "../context.js";
import { CallerAbortedError, type OpenedStream } from "../generation/GuardedProvider.js";
import type { Answered } from "../generation/ProviderChain.js";
import { presentGenerated } from "../presenters/presentGenerated.js";
import { EventStream } from "../routes/generate/eventStream.js";
import { finishGeneration } from "./generationFinisher.js";
import { startGeneration, type GenerateInput, type Generation } from "./generationStarter.js";
import { applyFailed, applyIfAsked, failureText } from "./textGenerator.js";

/**
 * The answer as Server-Sent Events. Nothing is sent until a provider's first token: until then a
 * failure falls back to the next provider, and when all fail the caller gets the same 503
 * problem as without streaming. After it, a failure ends the stream with an `error` event (the
 * text so far is incomplete and is never applied), never with a silent end.
 */
export async function generateStream(ctx: AriaContext, input: GenerateInput, signal: AbortSignal, reply: FastifyReply): Promise<void> {
  const generation = await startGeneration(ctx, input);
  let opened: OpenedStream & Answered;
  try {
    opened = await ctx.providers.openStream(generation.prompt, signal);
  } catch (err) {
    finishGeneration(ctx, generation, { status: "failed", error: failureText(err) });
    throw err;
  }
  const events = new EventStream(reply);
  try {
    await relay(ctx, generation, opened, events);
  } finally {
    events.end();
  }
}

async function relay(ctx: AriaContext, generation: Generation, opened: OpenedStream & Answered, events: EventStream): Promise<void> {
  const { provider, model, usage } = opened;
  let text = opened.first;
  if (text !== "") events.send("token", { text });
  try {
    for await (const piece of opened.rest) {
      text += piece;
      events.send("token", { text: piece });
    }
  } catch (err) {
    if (err instanceof CallerAbortedError) {
      finishGeneration(ctx, generation, { status: "failed", provider, model, usage, error: failureText(err) });
      return;
    }
    const message = `${provider} failed after the first token; the text above is incomplete and was not applied (${failureText(err)}).`;
    events.send("error", { code: "ARIA_ERR_STREAM_INTERRUPTED", message, request_id: generation.requestId });
    finishGeneration(ctx, generation, { status: "failed", provider, model, usage, error: message });
    return;
  }
  let applied;
  try {
    applied = await applyIfAsked(ctx, generation.input, text);
  } catch (err) {
    ctx.logger.error({ err, request_id: generation.requestId }, "generated text could not be applied");
    const problem = applyFailed(err);
    events.send("error", { code: problem.code, message: problem.detail, request_id: generation.requestId });
    finishGeneration(ctx, generation, { status: "failed", provider, model, usage, error: problem.detail });
    return;
  }
  const { latencyMs } = finishGeneration(ctx, generation, { status: "completed", provider, model, usage });
  const { text: _whole, ...done } = presentGenerated({ requestId: generation.requestId, text, provider, model, usage, latencyMs, applied });
  events.send("done", done);
}
