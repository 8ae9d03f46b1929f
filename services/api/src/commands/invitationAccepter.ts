import type { Queryable } from "@materi/platform";
import type { ApiContext } from "../context.js";
import { enqueueMembershipEvent } from "../events/membershipEvents.js";
import { claimPendingInvitations, markInvitationAccepted } from "../store/invitationStore.js";
import { insertMember } from "../store/memberStore.js";
import { normalizeEmail } from "../users/UserDirectory.js";

export interface InvitationAccepterProps {
  ctx: Pick<ApiContext, "registry">;
  /** The consumer's transaction: the memberships commit with its processed_events row. */
  tx: Queryable;
  userId: string;
  email: string;
}

/**
 * Turns the open, unexpired invitations of a new user's email into memberships, each with its
 * member_added event (actor: the inviter). Someone already a member keeps their role; the
 * invitation is closed either way. Returns the workspaces whose membership changed.
 */
export async function invitationAccepter({ ctx, tx, userId, email }: InvitationAccepterProps): Promise<string[]> {
  const changed: string[] = [];
  for (const invitation of await claimPendingInvitations(tx, normalizeEmail(email))) {
    const added = await insertMember(tx, { workspaceId: invitation.workspace_id, userId, role: invitation.role });
    await markInvitationAccepted(tx, invitation.id, userId);
    if (!added) continue;
    await enqueueMembershipEvent(ctx, tx, {
      workspaceId: invitation.workspace_id,
      userId,
      actorId: invitation.invited_by,
      action: "member_added",
      role: invitation.role,
    });
    changed.push(invitation.workspace_id);
  }
  return changed;
}
