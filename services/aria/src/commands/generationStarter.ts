import { randomUUID } from "node:crypto";
import type { AriaContext } from "../context.js";
import { ariaProblem } from "../errors.js";
import { enqueueAiEvent } from "../events/aiEvents.js";
import { noProviderProblem } from "../generation/ProviderChain.js";
import { needsSource, promptFor, type Operation } from "../generation/prompts.js";
import type { ProviderPrompt } from "../providers/types.js";
import { startedRecordInsert } from "../store/usageStore.js";

/** A validated POST /api/v1/ai/generate body, with the caller. */
export interface GenerateInput {
  userId: string;
  workspaceId: string;
  documentId?: string | undefined;
  operation: Operation;
  prompt: string;
  selection?: string | undefined;
  apply: boolean;
}

/** A generation that passed its checks and is on record as started. */
export interface Generation {
  input: GenerateInput;
  requestId: string;
  prompt: ProviderPrompt;
  /** performance.now() when the provider was first asked. */
  startedAt: number;
  /** The started record and event; awaited before the generation is finished on record. */
  recorded: Promise<void>;
}

/**
 * Access (api) and quota checked together (both usually from memory, renewed ahead of expiry in
 * the background), the prompt built, and the generation put on record (usage record +
 * `ai.generation.started`) without holding up the provider call: that write commits while the
 * provider thinks, so it adds nothing to the time to the first token.
 */
export async function startGeneration(ctx: AriaContext, input: GenerateInput): Promise<Generation> {
  if (ctx.providers.providers.length === 0) throw noProviderProblem();
  if (input.apply && input.documentId === undefined) {
    throw ariaProblem("ARIA_ERR_INVALID_REQUEST", "apply: true needs a document_id: the text goes into that document.");
  }
  const [, quota] = await Promise.all([
    ctx.access.check(input),
    ctx.quota.stateOf(input.workspaceId),
  ]);
  if (quota.used >= quota.limit) throw quotaProblem(quota.used, quota.limit);
  const prompt = promptFor({ operation: input.operation, prompt: input.prompt, source: await sourceOf(ctx, input), maxTokens: ctx.config.AI_MAX_OUTPUT_TOKENS });
  const requestId = randomUUID();
  // Deferred one turn of the event loop: the provider request, started by the caller right after
  // this returns, goes out first, and the record's write overlaps the provider's thinking. One
  // statement (record and event together): one round trip instead of a transaction's four.
  const started = { requestId, workspaceId: input.workspaceId, documentId: input.documentId, userId: input.userId };
  const recorded = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
    enqueueAiEvent(ctx.registry, ctx.db, { ...started, action: "started" }, startedRecordInsert({ ...started, operation: input.operation })),
  );
  // Awaited by finishGeneration; until then a failure must not surface as an unhandled rejection.
  recorded.catch(() => undefined);
  return { input, requestId, prompt, startedAt: performance.now(), recorded };
}

/** The selection, else the document's text for operations that work on existing text. */
async function sourceOf(ctx: AriaContext, input: GenerateInput): Promise<string | undefined> {
  if (!needsSource(input.operation, input.selection)) return input.selection;
  if (input.documentId === undefined) {
    throw ariaProblem("ARIA_ERR_INVALID_REQUEST", `"${input.operation}" works on existing text: send a selection or a document_id.`);
  }
  return (await ctx.docs.readContent(input.documentId)).markdown;
}

function quotaProblem(used: number, limit: number) {
  const now = new Date();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const retryAfterS = Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
  return ariaProblem("ARIA_ERR_QUOTA_EXCEEDED", `This workspace has used ${used} of its ${limit} AI tokens for today (UTC); the quota resets at midnight UTC.`, {
    extensions: { used_tokens: used, limit_tokens: limit },
    headers: { "Retry-After": String(retryAfterS) },
  });
}
