import { randomUUID } from "node:crypto";
import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import { atLeast, type Role, type ShareRole } from "@materi/contracts";
import { lockDocument } from "../store/documentStore.js";
import { upsertShare, type ShareRow } from "../store/shareStore.js";
import type { DirectoryUser } from "../store/userDirectoryStore.js";
import { documentNotFound, requireDocumentRole } from "./documentAccess.js";

export type ShareTarget = { email: string } | { user_id: string };

/**
 * POST /documents/{id}/shares: an editor (or above) of the document grants it to one user. The
 * grant never exceeds the granter's own role; sharing again with the same user changes the role.
 */
export async function shareCreator({
  ctx,
  userId,
  documentId,
  target,
  role,
}: {
  ctx: ApiContext;
  userId: string;
  documentId: string;
  target: ShareTarget;
  role: ShareRole;
}): Promise<{ share: ShareRow; created: boolean; user: DirectoryUser }> {
  const access = await requireDocumentRole(ctx, { documentId, userId, required: "editor" });
  requireGrantable(access.role, role);
  const user = await resolveTarget(ctx, target);
  if (user.userId === userId) throw apiProblem("API_ERR_CONFLICT", "You cannot share a document with yourself.");
  const result = await ctx.db.transaction(async (tx) => {
    // The lock orders this grant after a concurrent trash of the document.
    const row = await lockDocument(tx, documentId);
    if (!row || row.trashed_at) throw documentNotFound();
    const upserted = await upsertShare(tx, { id: randomUUID(), documentId, userId: user.userId, role, grantedBy: userId });
    await enqueueDocumentEvent(ctx, tx, {
      documentId,
      workspaceId: row.workspace_id,
      userId,
      action: "shared",
      content: { share_id: upserted.share.id, user_id: user.userId, role },
    });
    return upserted;
  });
  ctx.permissions.invalidateDocument(documentId);
  return { ...result, user };
}

/** A share or share link grants at most what the granter has (issue 6, "Sharing"). */
export function requireGrantable(granterRole: Role, role: ShareRole): void {
  if (!atLeast(granterRole, role)) throw apiProblem("API_ERR_FORBIDDEN", `You cannot grant ${role}: your own role is ${granterRole}.`);
}

async function resolveTarget(ctx: ApiContext, target: ShareTarget): Promise<DirectoryUser> {
  const user = "user_id" in target ? await ctx.users.byId(target.user_id) : await ctx.users.byEmail(target.email);
  if (!user || user.deleted) throw apiProblem("API_ERR_USER_NOT_FOUND", "No user with this id or email.");
  return user;
}
