import type { ApiContext } from "../context.js";
import { presentInvitation, type PresentedInvitation } from "../presenters/presentInvitation.js";
import { listOpenInvitations } from "../store/invitationStore.js";
import { encodeCursor } from "../store/workspaceStore.js";
import { pageOf, requireWorkspaceRole } from "./workspaceAccess.js";
import type { Page } from "./workspaceFinder.js";

export interface InvitationListerProps {
  ctx: ApiContext;
  actorId: string;
  workspaceId: string;
  cursor?: string;
  limit?: number;
}

/** Open invitations (pending or expired, not accepted or revoked): admin and above. */
export async function invitationLister({ ctx, actorId, workspaceId, cursor, limit }: InvitationListerProps): Promise<Page<PresentedInvitation>> {
  await requireWorkspaceRole(ctx.db, workspaceId, actorId, "admin");
  const page = await listOpenInvitations(ctx.db, workspaceId, pageOf(ctx, { cursor, limit }));
  const now = new Date();
  return { items: page.items.map((i) => presentInvitation(i, now)), next_cursor: page.next ? encodeCursor(page.next) : null };
}
