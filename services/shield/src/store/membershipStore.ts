import type { Queryable } from "@materi/platform";

export async function addMember(tx: Queryable, workspaceId: string, userId: string): Promise<void> {
  await tx.query("insert into shield.workspace_members (workspace_id, user_id) values ($1, $2) on conflict do nothing", [workspaceId, userId]);
}

export async function removeMember(tx: Queryable, workspaceId: string, userId: string): Promise<void> {
  await tx.query("delete from shield.workspace_members where workspace_id = $1 and user_id = $2", [workspaceId, userId]);
}

/** Whether the two users share at least one workspace (a user always "shares" with itself). */
export async function shareWorkspace(db: Queryable, userA: string, userB: string): Promise<boolean> {
  if (userA === userB) return true;
  const { rows } = await db.query(
    `select 1 from shield.workspace_members a join shield.workspace_members b on b.workspace_id = a.workspace_id
      where a.user_id = $1 and b.user_id = $2 limit 1`,
    [userA, userB],
  );
  return rows.length > 0;
}

/** A deleted user leaves every workspace of the projection. */
export async function removeUserMemberships(tx: Queryable, userId: string): Promise<void> {
  await tx.query("delete from shield.workspace_members where user_id = $1", [userId]);
}
