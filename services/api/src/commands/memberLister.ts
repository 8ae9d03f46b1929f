import type { ApiContext } from "../context.js";
import { presentMember, type PresentedMember } from "../presenters/presentMember.js";
import { listMembers, type MemberRow } from "../store/memberStore.js";
import { findDirectoryUsers, type DirectoryUser } from "../store/userDirectoryStore.js";
import { encodeCursor } from "../store/workspaceStore.js";
import { pageOf, requireWorkspaceRole } from "./workspaceAccess.js";
import type { Page } from "./workspaceFinder.js";

export interface MemberListerProps {
  ctx: ApiContext;
  actorId: string;
  workspaceId: string;
  cursor?: string;
  limit?: number;
}

/** A page of members with email and name from the user directory: any member may read it. */
export async function memberLister({ ctx, actorId, workspaceId, cursor, limit }: MemberListerProps): Promise<Page<PresentedMember>> {
  await requireWorkspaceRole(ctx.db, workspaceId, actorId, "viewer");
  const page = await listMembers(ctx.db, workspaceId, pageOf(ctx, { cursor, limit }));
  const users = await usersOf(ctx, page.items);
  return {
    items: page.items.map((member) => presentMember(member, users.get(member.user_id))),
    next_cursor: page.next ? encodeCursor(page.next) : null,
  };
}

/** The directory in one query; the few it does not know yet (events in flight) from Shield. */
async function usersOf(ctx: ApiContext, members: readonly MemberRow[]): Promise<Map<string, DirectoryUser | null>> {
  const found = new Map<string, DirectoryUser | null>(await findDirectoryUsers(ctx.db, members.map((m) => m.user_id)));
  const missing = members.filter((m) => !found.has(m.user_id)).map((m) => m.user_id);
  const fetched = await Promise.all(missing.map((id) => ctx.users.byId(id)));
  missing.forEach((id, i) => found.set(id, fetched[i] ?? null));
  return found;
}
