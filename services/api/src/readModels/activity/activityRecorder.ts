import type { AiEvent, CollaborationEvent, DocumentEvent, EventEnvelope } from "@materi/contracts";
import { isUuid } from "@materi/events";
import type { Queryable } from "@materi/platform";
import { insertActivityEvent, workspaceExists, workspaceOfDocument, type ActivityRow } from "../../store/activityStore.js";

/** The event types the activity read model is built from (issue 6: collaboration, ai, REST edits). */
export const ACTIVITY_EVENT_TYPES = [
  "collaboration.edit",
  "ai.generation.completed",
  "ai.generation.failed",
  "document.created",
  "document.updated",
] as const;

export type ActivityEventType = (typeof ACTIVITY_EVENT_TYPES)[number];

/** One event as both the live consumer and the rebuild see it. */
export type ActivityInput =
  | { eventId: string; eventType: "collaboration.edit"; envelope: EventEnvelope; payload: CollaborationEvent }
  | { eventId: string; eventType: "ai.generation.completed" | "ai.generation.failed"; envelope: EventEnvelope; payload: AiEvent }
  | { eventId: string; eventType: "document.created" | "document.updated"; envelope: EventEnvelope; payload: DocumentEvent };

export function isActivityEventType(eventType: string): eventType is ActivityEventType {
  return (ACTIVITY_EVENT_TYPES as readonly string[]).includes(eventType);
}

/** When the event happened: the envelope's timestamp, so a rebuild puts it on the same day as the consumer did. */
export function occurredAt(envelope: EventEnvelope): Date {
  const ts = envelope.timestamp;
  return ts ? new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6)) : new Date(0);
}

/**
 * Records one event as a raw activity row (idempotent by event_id). Collaboration events carry no
 * workspace: it comes from api.documents. Returns false when the event is skipped: a document or
 * workspace this api does not know (another deployment's, or already purged), or ids that are not UUIDs.
 */
export async function recordActivity(tx: Queryable, event: ActivityInput): Promise<boolean> {
  const row = await toRow(tx, event);
  if (!row) return false;
  await insertActivityEvent(tx, row);
  return true;
}

async function toRow(tx: Queryable, event: ActivityInput): Promise<ActivityRow | null> {
  const at = occurredAt(event.envelope);
  const userId = isUuid(event.payload.userId) ? event.payload.userId : null;
  const documentId = isUuid(event.payload.documentId) ? event.payload.documentId : null;
  const base = { eventId: event.eventId, occurredAt: at, userId, documentId };
  switch (event.eventType) {
    case "collaboration.edit":
    case "document.created":
    case "document.updated": {
      // Relay's events name no workspace; the api's own may name a document purged since.
      const workspaceId = documentId ? await workspaceOfDocument(tx, documentId) : null;
      return workspaceId ? { ...base, kind: "edit", workspaceId, aiTokens: 0 } : null;
    }
    case "ai.generation.completed":
    case "ai.generation.failed": {
      const { workspaceId, inputTokens, outputTokens } = event.payload;
      if (!isUuid(workspaceId) || !(await workspaceExists(tx, workspaceId))) return null;
      return { ...base, kind: "ai", workspaceId, aiTokens: Number(inputTokens + outputTokens) };
    }
  }
}
