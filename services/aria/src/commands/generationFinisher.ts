import type { AriaContext } from "../context.js";
import { enqueueAiEvent } from "../events/aiEvents.js";
import type { TokenUsage } from "../providers/types.js";
import { finishRecord, relaxCommit } from "../store/usageStore.js";
import type { Generation } from "./generationStarter.js";

/** How a generation ended. */
export type GenerationOutcome =
  | { status: "completed"; provider: string; model: string; usage: TokenUsage }
  | { status: "failed"; provider?: string | undefined; model?: string | undefined; usage?: TokenUsage | undefined; error: string };

/**
 * Finishes the usage record, adds its tokens to the workspace's day (the quota) and writes
 * `ai.generation.completed|failed`, in one transaction after the started record. The caller does
 * not wait for it: the answer is complete, and the write's round trips (at least 2 ms on a busy
 * database) would only delay it (bench/aria.ts). The replica's quota view counts the tokens at
 * once; a crash in the few milliseconds before the commit loses the record, never the answer.
 */
export function finishGeneration(ctx: AriaContext, generation: Generation, outcome: GenerationOutcome): { latencyMs: number } {
  const latencyMs = Math.round(performance.now() - generation.startedAt);
  const { requestId, input } = generation;
  const usage = outcome.usage ?? { inputTokens: 0, outputTokens: 0 };
  const error = outcome.status === "failed" ? outcome.error : undefined;
  ctx.quota.spent(input.workspaceId, usage.inputTokens + usage.outputTokens);
  ctx.background.run(`usage record ${requestId}`, async () => {
    await generation.recorded;
    await ctx.db.transaction(async (tx) => {
      await relaxCommit(tx);
      await finishRecord(tx, { requestId, workspaceId: input.workspaceId, status: outcome.status, provider: outcome.provider, model: outcome.model, ...usage, latencyMs, error });
      await enqueueAiEvent(ctx.registry, tx, {
        requestId,
        workspaceId: input.workspaceId,
        documentId: input.documentId,
        userId: input.userId,
        action: outcome.status,
        provider: outcome.provider,
        model: outcome.model,
        ...usage,
        latencyMs,
        error,
      });
    });
  });
  return { latencyMs };
}
