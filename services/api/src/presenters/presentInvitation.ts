import type { Role } from "@materi/contracts";
import type { InvitationRow } from "../store/invitationStore.js";

export interface PresentedInvitation {
  id: string;
  workspace_id: string;
  email: string;
  role: Role;
  invited_by: string;
  created_at: string;
  expires_at: string;
  /** "pending" until it expires; accepted and revoked invitations are not listed. */
  status: "pending" | "expired";
}

export function presentInvitation(invitation: InvitationRow, now = new Date()): PresentedInvitation {
  return {
    id: invitation.id,
    workspace_id: invitation.workspace_id,
    email: invitation.email,
    role: invitation.role,
    invited_by: invitation.invited_by,
    created_at: invitation.created_at.toISOString(),
    expires_at: invitation.expires_at.toISOString(),
    status: invitation.expires_at > now ? "pending" : "expired",
  };
}
