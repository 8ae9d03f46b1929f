import type { ApiContext } from "../context.js";
import { presentWorkspace, type PresentedWorkspace } from "../presenters/presentWorkspace.js";
import { lockWorkspace, renameWorkspace } from "../store/workspaceStore.js";
import { requireWorkspaceRole, workspaceNotFound } from "./workspaceAccess.js";

export interface WorkspaceUpdaterProps {
  ctx: ApiContext;
  actorId: string;
  workspaceId: string;
  name: string;
}

/** Renames the workspace: admin and above. */
export async function workspaceUpdater({ ctx, actorId, workspaceId, name }: WorkspaceUpdaterProps): Promise<PresentedWorkspace> {
  return ctx.db.transaction(async (tx) => {
    if (!(await lockWorkspace(tx, workspaceId))) throw workspaceNotFound();
    const role = await requireWorkspaceRole(tx, workspaceId, actorId, "admin");
    const workspace = await renameWorkspace(tx, workspaceId, name.trim());
    if (!workspace) throw workspaceNotFound();
    return presentWorkspace(workspace, role);
  });
}
