import { create, type JsonObject } from "@bufbuild/protobuf";
import { DocumentEventSchema } from "@materi/contracts";
import { enqueueEvent, type EnqueueEventOptions } from "@materi/events";
import type { Queryable } from "@materi/platform";
import type { ApiContext } from "../context.js";

/** The `document.*` event types (packages/events catalog), by DocumentEvent.action. */
export type DocumentAction = "created" | "updated" | "deleted" | "shared" | "unshared";

export interface DocumentEventInput {
  documentId: string;
  workspaceId: string;
  /** Who made the change. */
  userId: string;
  action: DocumentAction;
  /**
   * What changed, as the DocumentEvent's Struct: `{title}`, `{content_seq}`, `{share_id, user_id, role}`,
   * `{link_id, role}`... Never a share link's token.
   */
  content: JsonObject;
}

/**
 * Writes a DocumentEvent to the api's outbox inside the caller's transaction `tx`, so the event
 * commits (or rolls back) with the metadata change it describes (issue 6, "Consistency").
 */
export async function enqueueDocumentEvent(ctx: Pick<ApiContext, "registry">, tx: Queryable, event: DocumentEventInput): Promise<void> {
  await enqueueEvent(tx, documentEventOptions(ctx, event));
}

/**
 * Runs `change` (one data-modifying statement with RETURNING) and writes the DocumentEvent in the
 * same statement, only if the change returned a row: on `db` outside a transaction that is one
 * round trip and one commit, still atomic. Returns the change's rows (none: nothing changed, no event).
 */
export async function changeWithDocumentEvent<R>(
  ctx: Pick<ApiContext, "registry">,
  db: Queryable,
  change: { sql: string; params: unknown[] },
  event: DocumentEventInput,
): Promise<R[]> {
  const { changed } = await enqueueEvent(db, { ...documentEventOptions(ctx, event), alongside: change });
  return (changed ?? []) as R[];
}

function documentEventOptions(ctx: Pick<ApiContext, "registry">, event: DocumentEventInput): EnqueueEventOptions {
  const payload = create(DocumentEventSchema, {
    documentId: event.documentId,
    workspaceId: event.workspaceId,
    userId: event.userId,
    action: event.action,
    content: event.content,
  });
  return {
    schema: "api",
    aggregateId: event.documentId,
    eventType: `document.${event.action}`,
    payload,
    ...(ctx.registry ? { registry: ctx.registry } : {}),
  };
}
