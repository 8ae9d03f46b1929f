import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import { listShareLinks, revokeShareLink } from "../store/shareLinkStore.js";
import { requireDocumentRole } from "./documentAccess.js";

/** GET /documents/{id}/share-links: editors (and above) see the live links (never their tokens). */
export async function shareLinkLister({ ctx, userId, documentId }: { ctx: ApiContext; userId: string; documentId: string }) {
  await requireDocumentRole(ctx, { documentId, userId, required: "editor" });
  return listShareLinks(ctx.db, documentId);
}

/** DELETE /documents/{id}/share-links/{link_id}: every user who redeemed the link loses that access at once. */
export async function shareLinkRevoker({ ctx, userId, documentId, linkId }: { ctx: ApiContext; userId: string; documentId: string; linkId: string }): Promise<void> {
  const access = await requireDocumentRole(ctx, { documentId, userId, required: "editor" });
  await ctx.db.transaction(async (tx) => {
    const revoked = await revokeShareLink(tx, documentId, linkId);
    if (!revoked) throw apiProblem("API_ERR_NOT_FOUND", "No such live share link on this document.");
    await enqueueDocumentEvent(ctx, tx, { documentId, workspaceId: access.workspaceId, userId, action: "unshared", content: { link_id: linkId } });
  });
  // Every redeemer's cached answer is keyed by this document: one invalidation covers them all.
  ctx.permissions.invalidateDocument(documentId);
}
