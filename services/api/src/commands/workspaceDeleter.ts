import type { ApiContext } from "../context.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import { enqueueMembershipEvent } from "../events/membershipEvents.js";
import { documentIdsOfWorkspace } from "../store/documentStore.js";
import { memberIdsOf } from "../store/memberStore.js";
import { deleteWorkspace, lockWorkspace } from "../store/workspaceStore.js";
import { requireWorkspaceRole, workspaceNotFound } from "./workspaceAccess.js";

/**
 * Deletes the workspace (owner only) with its members, invitations and documents (cascade).
 * Every member gets a member_removed event and every document a document.deleted event, so
 * Shield's co-membership projection and the relay drop them as they would for one removal; the
 * documents' content leaves the docstore once the deletion has committed (a crash before that
 * leaves unreachable content, never a reachable document without it).
 */
export async function workspaceDeleter({ ctx, actorId, workspaceId }: { ctx: ApiContext; actorId: string; workspaceId: string }): Promise<void> {
  const documentIds = await ctx.db.transaction(async (tx) => {
    if (!(await lockWorkspace(tx, workspaceId))) throw workspaceNotFound();
    await requireWorkspaceRole(tx, workspaceId, actorId, "owner");
    for (const userId of await memberIdsOf(tx, workspaceId)) {
      await enqueueMembershipEvent(ctx, tx, { workspaceId, userId, actorId, action: "member_removed" });
    }
    const documents = await documentIdsOfWorkspace(tx, workspaceId);
    for (const documentId of documents) {
      await enqueueDocumentEvent(ctx, tx, { documentId, workspaceId, userId: actorId, action: "deleted", content: { workspace_deleted: true } });
    }
    await deleteWorkspace(tx, workspaceId);
    return documents;
  });
  ctx.permissions.invalidateWorkspace(workspaceId);
  for (const documentId of documentIds) await ctx.docs.purge(documentId);
}
