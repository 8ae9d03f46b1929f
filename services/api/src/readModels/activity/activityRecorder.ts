import type { AiEvent, CollaborationEvent, DocumentEvent, EventEnvelope } from "@materi/contracts";
import { isUuid } from "@materi/events";
import type { Queryable } from "@materi/platform";
import { existingWorkspaces, insertActivityEvents, workspacesOfDocuments, type ActivityRow } from "../../store/activityStore.js";

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
 * Records events as raw activity rows (idempotent by event_id), in three statements whatever their
 * number: the rebuild replays a whole retained stream, page by page. Collaboration events carry no
 * workspace: it comes from api.documents. An event is skipped when it names a document or workspace
 * this api does not know (another deployment's, or already purged), or ids that are not UUIDs.
 * Returns how many made a row.
 */
export async function recordActivities(tx: Queryable, events: readonly ActivityInput[]): Promise<number> {
  const documentIds = events.filter(isEdit).map((e) => e.payload.documentId).filter(isUuid);
  const workspaceIds = events.filter((e) => !isEdit(e)).map((e) => (e.payload as AiEvent).workspaceId).filter(isUuid);
  const [workspaceOf, workspaces] = await Promise.all([workspacesOfDocuments(tx, documentIds), existingWorkspaces(tx, workspaceIds)]);
  const rows = events.map((event) => toRow(event, workspaceOf, workspaces)).filter((row): row is ActivityRow => row !== null);
  await insertActivityEvents(tx, rows);
  return rows.length;
}

/** One event (the live consumer); false when it is skipped. */
export async function recordActivity(tx: Queryable, event: ActivityInput): Promise<boolean> {
  return (await recordActivities(tx, [event])) === 1;
}

type EditInput = Extract<ActivityInput, { eventType: "collaboration.edit" | "document.created" | "document.updated" }>;

function isEdit(event: ActivityInput): event is EditInput {
  return event.eventType === "collaboration.edit" || event.eventType === "document.created" || event.eventType === "document.updated";
}

function toRow(event: ActivityInput, workspaceOf: ReadonlyMap<string, string>, workspaces: ReadonlySet<string>): ActivityRow | null {
  const at = occurredAt(event.envelope);
  const userId = isUuid(event.payload.userId) ? event.payload.userId : null;
  const documentId = isUuid(event.payload.documentId) ? event.payload.documentId : null;
  const base = { eventId: event.eventId, occurredAt: at, userId, documentId };
  if (isEdit(event)) {
    // Relay's events name no workspace; the api's own may name a document purged since.
    const workspaceId = documentId ? workspaceOf.get(documentId) : undefined;
    return workspaceId ? { ...base, kind: "edit", workspaceId, aiTokens: 0 } : null;
  }
  const { workspaceId, inputTokens, outputTokens } = event.payload;
  if (!isUuid(workspaceId) || !workspaces.has(workspaceId)) return null;
  return { ...base, kind: "ai", workspaceId, aiTokens: Number(inputTokens + outputTokens) };
}
