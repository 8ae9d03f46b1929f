import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import type { ShareRole } from "@materi/contracts";
import { findLiveLinkByHash, insertLinkGrant } from "../store/shareLinkStore.js";
import { hashLinkToken } from "./shareLinkCreator.js";

const linkNotFound = () => apiProblem("API_ERR_NOT_FOUND", "This share link does not exist or was revoked.");

async function liveLink(ctx: ApiContext, token: string) {
  const link = await findLiveLinkByHash(ctx.db, hashLinkToken(token));
  if (!link || link.trashed) throw linkNotFound();
  return link;
}

/** GET /share-links/{token}: what the link opens (title and role), for any signed-in user. */
export async function shareLinkPreviewer({ ctx, token }: { ctx: ApiContext; token: string }): Promise<{ documentId: string; title: string; role: ShareRole }> {
  const link = await liveLink(ctx, token);
  return { documentId: link.document_id, title: link.title, role: link.role };
}

/**
 * POST /share-links/{token}/redeem: records the caller as a user of the link, so they hold exactly the
 * link's role through it while it stays live (their effective role is the highest of all their grants).
 * Redeeming twice changes nothing and writes no second event.
 */
export async function shareLinkRedeemer({ ctx, userId, token }: { ctx: ApiContext; userId: string; token: string }): Promise<{ documentId: string; role: ShareRole }> {
  const link = await liveLink(ctx, token);
  await ctx.db.transaction(async (tx) => {
    // A revoke committing meanwhile still wins: documentAccessOf counts grants of live links only.
    if (!(await insertLinkGrant(tx, link.id, userId))) return;
    await enqueueDocumentEvent(ctx, tx, {
      documentId: link.document_id,
      workspaceId: link.workspace_id,
      userId,
      action: "shared",
      content: { link_id: link.id, user_id: userId, role: link.role },
    });
  });
  ctx.permissions.invalidateDocument(link.document_id);
  return { documentId: link.document_id, role: link.role };
}
