import type { Queryable } from "@materi/platform";
import { isRole, type Role } from "@materi/contracts";
import type { Keyset } from "./workspaceStore.js";

export interface MemberRow {
  workspace_id: string;
  user_id: string;
  role: Role;
  created_at: Date;
}

interface Row {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: Date;
  sort_key: string;
}

const toMember = (row: Row): MemberRow => ({
  workspace_id: row.workspace_id,
  user_id: row.user_id,
  role: isRole(row.role) ? row.role : "viewer",
  created_at: row.created_at,
});

const COLUMNS = "workspace_id, user_id, role, created_at, created_at::text as sort_key";

export async function findMember(db: Queryable, workspaceId: string, userId: string): Promise<MemberRow | null> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from api.members where workspace_id = $1 and user_id = $2`, [workspaceId, userId]);
  return rows[0] ? toMember(rows[0]) : null;
}

/** One page of members, earliest first. */
export async function listMembers(
  db: Queryable,
  workspaceId: string,
  page: { after: Keyset | null; limit: number },
): Promise<{ items: MemberRow[]; next: Keyset | null }> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from api.members
      where workspace_id = $1 and ($2::timestamptz is null or (created_at, user_id) > ($2::timestamptz, $3::uuid))
      order by created_at, user_id limit $4`,
    [workspaceId, page.after?.key ?? null, page.after?.id ?? null, page.limit + 1],
  );
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items: items.map(toMember), next: rows.length > page.limit && last ? { key: last.sort_key, id: last.user_id } : null };
}

/** Every member's id: for the member_removed events of a deleted workspace. */
export async function memberIdsOf(db: Queryable, workspaceId: string): Promise<string[]> {
  const { rows } = await db.query<{ user_id: string }>("select user_id from api.members where workspace_id = $1 order by created_at", [workspaceId]);
  return rows.map((row) => row.user_id);
}

/** Inserts the membership; null when the user already is a member (nothing changed). */
export async function insertMember(tx: Queryable, member: { workspaceId: string; userId: string; role: Role }): Promise<MemberRow | null> {
  const { rows } = await tx.query<Row>(
    `insert into api.members (workspace_id, user_id, role) values ($1, $2, $3)
     on conflict (workspace_id, user_id) do nothing returning ${COLUMNS}`,
    [member.workspaceId, member.userId, member.role],
  );
  return rows[0] ? toMember(rows[0]) : null;
}

export async function updateMemberRole(tx: Queryable, workspaceId: string, userId: string, role: Role): Promise<MemberRow | null> {
  const { rows } = await tx.query<Row>(
    `update api.members set role = $3 where workspace_id = $1 and user_id = $2 returning ${COLUMNS}`,
    [workspaceId, userId, role],
  );
  return rows[0] ? toMember(rows[0]) : null;
}

export async function deleteMember(tx: Queryable, workspaceId: string, userId: string): Promise<boolean> {
  const { rowCount } = await tx.query("delete from api.members where workspace_id = $1 and user_id = $2", [workspaceId, userId]);
  return rowCount > 0;
}

/** Owners of the workspace; call with the workspace row locked (lockWorkspace). */
export async function countOwners(tx: Queryable, workspaceId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>("select count(*)::int as n from api.members where workspace_id = $1 and role = 'owner'", [workspaceId]);
  return rows[0]?.n ?? 0;
}
