import type { ApiContext } from "../context.js";
import { presentWorkspace, type PresentedWorkspace } from "../presenters/presentWorkspace.js";
import { encodeCursor, findMemberWorkspace, listMemberWorkspaces } from "../store/workspaceStore.js";
import { pageOf, workspaceNotFound } from "./workspaceAccess.js";

/** One workspace of the caller: any member may read it; others get 404. */
export async function workspaceFinder({ ctx, actorId, workspaceId }: { ctx: ApiContext; actorId: string; workspaceId: string }): Promise<PresentedWorkspace> {
  const workspace = await findMemberWorkspace(ctx.db, workspaceId, actorId);
  if (!workspace) throw workspaceNotFound();
  return presentWorkspace(workspace, workspace.role);
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

/** The caller's workspaces, oldest first, a page at a time. */
export async function workspaceLister({ ctx, actorId, cursor, limit }: { ctx: ApiContext; actorId: string; cursor?: string; limit?: number }): Promise<Page<PresentedWorkspace>> {
  const page = await listMemberWorkspaces(ctx.db, actorId, pageOf(ctx, { cursor, limit }));
  return { items: page.items.map((w) => presentWorkspace(w, w.role)), next_cursor: page.next ? encodeCursor(page.next) : null };
}
