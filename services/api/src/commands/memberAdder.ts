import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { enqueueMembershipEvent } from "../events/membershipEvents.js";
import type { Role } from "@materi/contracts";
import { presentMember, type PresentedMember } from "../presenters/presentMember.js";
import type { PresentedInvitation } from "../presenters/presentInvitation.js";
import { insertMember } from "../store/memberStore.js";
import type { DirectoryUser } from "../store/userDirectoryStore.js";
import { lockWorkspace } from "../store/workspaceStore.js";
import { invitationCreator } from "./invitationCreator.js";
import { checkGrant } from "./memberRules.js";
import { requireWorkspaceRole, workspaceNotFound } from "./workspaceAccess.js";

export interface MemberAdderProps {
  ctx: ApiContext;
  actorId: string;
  workspaceId: string;
  role: Role;
  /** Exactly one of email and userId (the route's schema makes sure). */
  email?: string;
  userId?: string;
}

export type MemberAdded = { kind: "member"; member: PresentedMember } | { kind: "invitation"; invitation: PresentedInvitation };

/**
 * Adds a known user (by id, or by an email the directory knows); an unknown email becomes an
 * invitation, mailed, and accepted when that address signs up (UserDirectoryConsumer).
 */
export async function memberAdder(props: MemberAdderProps): Promise<MemberAdded> {
  const { ctx, actorId, workspaceId, role } = props;
  // Rights first: a non-admin learns nothing about which users exist.
  checkGrant(await requireWorkspaceRole(ctx.db, workspaceId, actorId, "viewer"), { currentRole: null, newRole: role });
  let user = await resolveUser(ctx, props);
  if (!user) {
    const created = await invitationCreator({ ctx, actorId, workspaceId, role, email: props.email! });
    if (created.invitation) return { kind: "invitation", invitation: created.invitation };
    user = created.user;
  }
  const member = await ctx.db.transaction(async (tx) => {
    if (!(await lockWorkspace(tx, workspaceId))) throw workspaceNotFound();
    // Again under the lock: the caller's own role may have changed since.
    checkGrant(await requireWorkspaceRole(tx, workspaceId, actorId, "viewer"), { currentRole: null, newRole: role });
    const added = await insertMember(tx, { workspaceId, userId: user.userId, role });
    if (!added) throw apiProblem("API_ERR_CONFLICT", "This user already is a member; change their role with PATCH instead.");
    await enqueueMembershipEvent(ctx, tx, { workspaceId, userId: user.userId, actorId, action: "member_added", role });
    return added;
  });
  ctx.permissions.invalidateWorkspace(workspaceId);
  return { kind: "member", member: presentMember(member, user) };
}

/** The user to add; null for an email nobody has signed up with (an invitation, then). */
async function resolveUser(ctx: ApiContext, props: MemberAdderProps): Promise<DirectoryUser | null> {
  if (props.userId !== undefined) {
    const user = await ctx.users.byId(props.userId);
    if (!user) throw apiProblem("API_ERR_USER_NOT_FOUND", "No user with this id.");
    return user;
  }
  return ctx.users.byEmail(props.email!);
}
