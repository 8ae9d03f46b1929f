import type { ApiContext } from "../context.js";
import { enqueueMembershipEvent } from "../events/membershipEvents.js";
import { memberIdsOf } from "../store/memberStore.js";
import { deleteWorkspace, lockWorkspace } from "../store/workspaceStore.js";
import { requireWorkspaceRole, workspaceNotFound } from "./workspaceAccess.js";

/**
 * Deletes the workspace (owner only) with its members, invitations and documents (cascade).
 * Every member gets a member_removed event, so Shield's co-membership projection and the
 * relay drop them as they would for one removal.
 */
export async function workspaceDeleter({ ctx, actorId, workspaceId }: { ctx: ApiContext; actorId: string; workspaceId: string }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (!(await lockWorkspace(tx, workspaceId))) throw workspaceNotFound();
    await requireWorkspaceRole(tx, workspaceId, actorId, "owner");
    for (const userId of await memberIdsOf(tx, workspaceId)) {
      await enqueueMembershipEvent(ctx, tx, { workspaceId, userId, actorId, action: "member_removed" });
    }
    await deleteWorkspace(tx, workspaceId);
  });
  ctx.permissions.invalidateWorkspace(workspaceId);
}
