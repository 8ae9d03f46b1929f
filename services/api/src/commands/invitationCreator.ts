import { randomUUID } from "node:crypto";
import type { ApiContext } from "../context.js";
import { membershipProblem } from "../errors.js";
import type { Role } from "@materi/contracts";
import { presentInvitation, type PresentedInvitation } from "../presenters/presentInvitation.js";
import { lockInvitationEmail, upsertInvitation, type InvitationRow } from "../store/invitationStore.js";
import { findDirectoryUserByEmail, type DirectoryUser } from "../store/userDirectoryStore.js";
import { findMemberWorkspace, lockWorkspace } from "../store/workspaceStore.js";
import { normalizeEmail } from "../users/UserDirectory.js";
import { checkGrant } from "./memberRules.js";
import { workspaceNotFound } from "./workspaceAccess.js";

export interface InvitationCreatorProps {
  ctx: ApiContext;
  actorId: string;
  workspaceId: string;
  email: string;
  role: Role;
}

/** The invitation, or the user when the address signed up while it was being created. */
export type InvitationCreated = { invitation: PresentedInvitation; user?: undefined } | { user: DirectoryUser; invitation?: undefined };

/**
 * Invites an address nobody has signed up with: stores (or renews) the pending invitation, then
 * mails the sign-up link. The invitation becomes a membership when that address signs up.
 */
export async function invitationCreator({ ctx, actorId, workspaceId, email: rawEmail, role }: InvitationCreatorProps): Promise<InvitationCreated> {
  const email = normalizeEmail(rawEmail);
  // The table allows no owner invitations: ownership is handed over to someone who has an account.
  if (role === "owner") throw membershipProblem("API_ERR_INVALID_ROLE", "An invitation cannot grant owner: invite as admin, then make them owner once they joined.");
  const created = await ctx.db.transaction(async (tx) => {
    // The address first, then the workspace: the consumer takes the address lock before its
    // member insert touches the workspace row, so this order cannot deadlock with it.
    await lockInvitationEmail(tx, email);
    if (!(await lockWorkspace(tx, workspaceId))) throw workspaceNotFound();
    const workspace = await findMemberWorkspace(tx, workspaceId, actorId);
    if (!workspace) throw workspaceNotFound();
    checkGrant(workspace.role, { currentRole: null, newRole: role });
    // Signed up since the caller looked: add them instead (the consumer would never see this invitation).
    const user = await findDirectoryUserByEmail(tx, email);
    if (user) return { user };
    const row = await upsertInvitation(tx, {
      id: randomUUID(),
      workspaceId,
      email,
      role,
      invitedBy: actorId,
      ttlS: ctx.config.INVITATION_TTL_S,
    });
    return { invitation: row, workspaceName: workspace.name };
  });
  if (created.user) return { user: created.user };
  await sendInvitationMail(ctx, created.invitation, created.workspaceName);
  return { invitation: presentInvitation(created.invitation) };
}

/** A failed send is logged, not thrown: the invitation stands and can be sent again by inviting again. */
async function sendInvitationMail(ctx: ApiContext, invitation: InvitationRow, workspaceName: string): Promise<void> {
  try {
    const inviter = await ctx.users.byId(invitation.invited_by);
    const base = ctx.config.PUBLIC_URL.replace(/\/+$/, "");
    const link = `${base}/signup?invitation=${invitation.id}&email=${encodeURIComponent(invitation.email)}`;
    await ctx.email.send({
      to: invitation.email,
      subject: `You are invited to ${workspaceName} on Materi`,
      text:
        `Hello,\n\n${inviter?.name || "A colleague"} invited you to the workspace "${workspaceName}" on Materi as ${invitation.role}.\n\n` +
        `Create your account with this email address to join:\n\n${link}\n\n` +
        `The invitation expires on ${invitation.expires_at.toISOString().slice(0, 10)}. If you did not expect it, ignore this message.\n`,
    });
  } catch (err) {
    ctx.logger.error({ err, invitationId: invitation.id }, "invitation mail failed");
  }
}
