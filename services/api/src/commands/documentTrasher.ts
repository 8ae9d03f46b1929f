import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import { atLeast, type Role } from "@materi/contracts";
import { lockDocument, trash, untrash, type DocumentRow } from "../store/documentStore.js";
import { documentNotFound, requireDocumentRole } from "./documentAccess.js";
import type { FoundDocument } from "./documentFinder.js";

/**
 * Who may trash or restore: an admin or owner of the workspace, or the document's creator while
 * they still edit it. Editors do not throw away each other's documents.
 */
function mayTrash(role: Role, row: DocumentRow, userId: string): boolean {
  return atLeast(role, "admin") || (row.created_by === userId && atLeast(role, "editor"));
}

const forbidden = () => apiProblem("API_ERR_FORBIDDEN", "Only the document's creator or a workspace admin can move it to or from the trash.");

/** DELETE /documents/{id}: to the trash (restorable for TRASH_RETENTION_DAYS); `document.deleted`. */
export async function documentDeleter({ ctx, userId, documentId }: { ctx: ApiContext; userId: string; documentId: string }): Promise<void> {
  const { role } = await requireDocumentRole(ctx, { documentId, userId, required: "editor" });
  await ctx.db.transaction(async (tx) => {
    const row = await lockDocument(tx, documentId);
    if (!row || row.trashed_at) throw documentNotFound();
    if (!mayTrash(role, row, userId)) throw forbidden();
    const trashed = await trash(tx, documentId, userId);
    await enqueueDocumentEvent(ctx, tx, {
      documentId,
      workspaceId: row.workspace_id,
      userId,
      action: "deleted",
      content: { trashed_at: trashed.trashed_at!.toISOString() },
    });
  });
  // Relay and aria ask /internal/permissions: a trashed document has no role for anyone.
  ctx.permissions.invalidateDocument(documentId);
}

/** POST /documents/{id}/restore: back from the trash within TRASH_RETENTION_DAYS (410 after). */
export async function documentRestorer({ ctx, userId, documentId }: { ctx: ApiContext; userId: string; documentId: string }): Promise<FoundDocument> {
  const { role } = await requireDocumentRole(ctx, { documentId, userId, required: "editor", trashed: "allow" });
  const restored = await ctx.db.transaction(async (tx) => {
    const row = await lockDocument(tx, documentId);
    if (!row) throw documentNotFound();
    if (!row.trashed_at) throw apiProblem("API_ERR_CONFLICT", "The document is not in the trash.");
    if (!mayTrash(role, row, userId)) throw forbidden();
    const expiresAt = row.trashed_at.getTime() + ctx.config.TRASH_RETENTION_DAYS * 24 * 3600 * 1000;
    if (Date.now() > expiresAt) {
      throw apiProblem("API_ERR_GONE", `Documents stay in the trash for ${ctx.config.TRASH_RETENTION_DAYS} days; this one can no longer be restored.`);
    }
    const untrashed = await untrash(tx, documentId, userId);
    await enqueueDocumentEvent(ctx, tx, { documentId, workspaceId: row.workspace_id, userId, action: "updated", content: { trashed_at: null } });
    return untrashed;
  });
  ctx.permissions.invalidateDocument(documentId);
  // The row as untrash returned it; only the content is read.
  return { row: restored, role, content: await ctx.docs.readContent(documentId) };
}
