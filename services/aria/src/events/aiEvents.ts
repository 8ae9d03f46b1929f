import { create } from "@bufbuild/protobuf";
import { AiEventSchema } from "@materi/contracts";
import { enqueueEvent, type SchemaRegistry } from "@materi/events";
import type { Queryable } from "@materi/platform";

export type AiAction = "started" | "completed" | "failed";

export interface AiEventInput {
  requestId: string;
  workspaceId: string;
  documentId: string | undefined;
  userId: string;
  action: AiAction;
  provider?: string | undefined;
  model?: string | undefined;
  inputTokens?: number;
  outputTokens?: number;
  latencyMs?: number;
  error?: string | undefined;
}

/**
 * Writes an `ai.generation.<action>` AiEvent into aria's outbox inside `tx`, so it commits with
 * the usage record it describes (materi:events:ai, read by the api's activity model); with
 * `alongside`, in the same statement as that record's write.
 */
export async function enqueueAiEvent(
  registry: SchemaRegistry | undefined,
  tx: Queryable,
  event: AiEventInput,
  alongside?: { sql: string; params: unknown[] },
): Promise<void> {
  const payload = create(AiEventSchema, {
    requestId: event.requestId,
    workspaceId: event.workspaceId,
    documentId: event.documentId ?? "",
    userId: event.userId,
    action: event.action,
    provider: event.provider ?? "",
    model: event.model ?? "",
    inputTokens: BigInt(event.inputTokens ?? 0),
    outputTokens: BigInt(event.outputTokens ?? 0),
    latencyMs: BigInt(Math.round(event.latencyMs ?? 0)),
    error: event.error ?? "",
  });
  await enqueueEvent(tx, {
    schema: "aria",
    // Per request: its started/completed events stay in order.
    aggregateId: event.requestId,
    eventType: `ai.generation.${event.action}`,
    payload,
    ...(registry ? { registry } : {}),
    ...(alongside ? { alongside } : {}),
  });
}
