import type { ApiContext } from "../context.js";
import { enqueueMembershipEvent } from "../events/membershipEvents.js";
import { countOwners, deleteMember, findMember } from "../store/memberStore.js";
import { lockWorkspace } from "../store/workspaceStore.js";
import { checkGrant, checkOwnerRemains } from "./memberRules.js";
import { memberNotFound } from "./memberUpdater.js";
import { requireWorkspaceRole, workspaceNotFound } from "./workspaceAccess.js";

export interface MemberRemoverProps {
  ctx: ApiContext;
  actorId: string;
  workspaceId: string;
  userId: string;
}

/** Removes a member (admin+, within the grant rules) or lets a member leave; the last owner stays. */
export async function memberRemover({ ctx, actorId, workspaceId, userId }: MemberRemoverProps): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (!(await lockWorkspace(tx, workspaceId))) throw workspaceNotFound();
    const actorRole = await requireWorkspaceRole(tx, workspaceId, actorId, "viewer");
    const leaving = userId === actorId;
    if (!leaving) checkGrant(actorRole, { currentRole: null, newRole: null });
    const target = await findMember(tx, workspaceId, userId);
    if (!target) throw memberNotFound();
    if (!leaving) checkGrant(actorRole, { currentRole: target.role, newRole: null });
    checkOwnerRemains({ currentRole: target.role, newRole: null, owners: await countOwners(tx, workspaceId) });
    await deleteMember(tx, workspaceId, userId);
    await enqueueMembershipEvent(ctx, tx, { workspaceId, userId, actorId, action: "member_removed" });
  });
  ctx.permissions.invalidateWorkspace(workspaceId);
}
