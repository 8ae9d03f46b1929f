import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import { canEdit } from "@materi/contracts";
import { deleteShare, findShare, listShares, type ShareRow } from "../store/shareStore.js";
import { findDirectoryUsers, type DirectoryUser } from "../store/userDirectoryStore.js";
import { requireDocumentRole } from "./documentAccess.js";

const shareNotFound = () => apiProblem("API_ERR_NOT_FOUND", "No such share on this document.");

/**
 * DELETE /documents/{id}/shares/{share_id}: an editor (or above) removes anyone's share; the user a
 * document is shared with may always remove their own.
 */
export async function shareRemover({ ctx, userId, documentId, shareId }: { ctx: ApiContext; userId: string; documentId: string; shareId: string }): Promise<void> {
  const access = await requireDocumentRole(ctx, { documentId, userId, required: "viewer" });
  const share = await findShare(ctx.db, documentId, shareId);
  if (!share) throw shareNotFound();
  if (!canEdit(access.role) && share.user_id !== userId) throw apiProblem("API_ERR_FORBIDDEN", "Removing another user's share needs the editor role.");
  await ctx.db.transaction(async (tx) => {
    const removed = await deleteShare(tx, documentId, shareId);
    if (!removed) throw shareNotFound();
    await enqueueDocumentEvent(ctx, tx, {
      documentId,
      workspaceId: access.workspaceId,
      userId,
      action: "unshared",
      content: { share_id: shareId, user_id: removed.user_id },
    });
  });
  ctx.permissions.invalidateDocument(documentId);
}

/** GET /documents/{id}/shares: anyone who can read the document sees who else it is shared with. */
export async function shareLister({ ctx, userId, documentId }: { ctx: ApiContext; userId: string; documentId: string }): Promise<{
  shares: ShareRow[];
  users: Map<string, DirectoryUser>;
}> {
  await requireDocumentRole(ctx, { documentId, userId, required: "viewer" });
  const shares = await listShares(ctx.db, documentId);
  return { shares, users: await findDirectoryUsers(ctx.db, shares.map((share) => share.user_id)) };
}
