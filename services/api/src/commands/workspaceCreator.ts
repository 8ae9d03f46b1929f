import { randomUUID } from "node:crypto";
import type { ApiContext } from "../context.js";
import { enqueueMembershipEvent } from "../events/membershipEvents.js";
import { presentWorkspace, type PresentedWorkspace } from "../presenters/presentWorkspace.js";
import { insertMember } from "../store/memberStore.js";
import { insertWorkspace } from "../store/workspaceStore.js";

export interface WorkspaceCreatorProps {
  ctx: ApiContext;
  actorId: string;
  name: string;
}

/** Creates the workspace with its creator as owner, and the owner's member_added event, in one transaction. */
export async function workspaceCreator({ ctx, actorId, name }: WorkspaceCreatorProps): Promise<PresentedWorkspace> {
  return ctx.db.transaction(async (tx) => {
    const workspace = await insertWorkspace(tx, { id: randomUUID(), name: name.trim(), createdBy: actorId });
    await insertMember(tx, { workspaceId: workspace.id, userId: actorId, role: "owner" });
    await enqueueMembershipEvent(ctx, tx, { workspaceId: workspace.id, userId: actorId, actorId, action: "member_added", role: "owner" });
    return presentWorkspace(workspace, "owner");
  });
}
