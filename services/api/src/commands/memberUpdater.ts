import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { enqueueMembershipEvent } from "../events/membershipEvents.js";
import type { Role } from "@materi/contracts";
import { presentMember, type PresentedMember } from "../presenters/presentMember.js";
import { countOwners, findMember, updateMemberRole } from "../store/memberStore.js";
import { lockWorkspace } from "../store/workspaceStore.js";
import { checkGrant, checkOwnerRemains } from "./memberRules.js";
import { requireWorkspaceRole, workspaceNotFound } from "./workspaceAccess.js";

export interface MemberUpdaterProps {
  ctx: ApiContext;
  actorId: string;
  workspaceId: string;
  userId: string;
  role: Role;
}

/** Changes a member's role (admin+, within the grant rules; never demotes the last owner). */
export async function memberUpdater({ ctx, actorId, workspaceId, userId, role }: MemberUpdaterProps): Promise<PresentedMember> {
  const { member, changed } = await ctx.db.transaction(async (tx) => {
    if (!(await lockWorkspace(tx, workspaceId))) throw workspaceNotFound();
    const actorRole = await requireWorkspaceRole(tx, workspaceId, actorId, "viewer");
    checkGrant(actorRole, { currentRole: null, newRole: role });
    const target = await findMember(tx, workspaceId, userId);
    if (!target) throw memberNotFound();
    checkGrant(actorRole, { currentRole: target.role, newRole: role });
    if (target.role === role) return { member: target, changed: false };
    checkOwnerRemains({ currentRole: target.role, newRole: role, owners: await countOwners(tx, workspaceId) });
    const updated = (await updateMemberRole(tx, workspaceId, userId, role))!;
    await enqueueMembershipEvent(ctx, tx, { workspaceId, userId, actorId, action: "member_role_changed", role });
    return { member: updated, changed: true };
  });
  if (changed) ctx.permissions.invalidateWorkspace(workspaceId);
  return presentMember(member, await ctx.users.byId(userId));
}

export function memberNotFound(): Error {
  return apiProblem("API_ERR_NOT_FOUND", "This user is not a member of the workspace.");
}
