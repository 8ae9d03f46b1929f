import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { revokeInvitation } from "../store/invitationStore.js";
import { requireWorkspaceRole } from "./workspaceAccess.js";

/** Revokes an open invitation: admin and above; an unknown or already closed one is 404. */
export async function invitationRevoker(props: { ctx: ApiContext; actorId: string; workspaceId: string; invitationId: string }): Promise<void> {
  const { ctx, actorId, workspaceId, invitationId } = props;
  await ctx.db.transaction(async (tx) => {
    await requireWorkspaceRole(tx, workspaceId, actorId, "admin");
    if (!(await revokeInvitation(tx, workspaceId, invitationId))) {
      throw apiProblem("API_ERR_NOT_FOUND", "No open invitation with this id in the workspace.");
    }
  });
}
