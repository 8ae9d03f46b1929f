import type { Queryable } from "@materi/platform";
import { isRole, type Role } from "@materi/contracts";

/** A workspace as stored, with the caller's role when read for a member. */
export interface WorkspaceRow {
  id: string;
  name: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface MemberWorkspace extends WorkspaceRow {
  role: Role;
}

/** A keyset position: the sort key as PostgreSQL prints it (microseconds kept) and the row id. */
export interface Keyset {
  key: string;
  id: string;
}

/** Opaque page cursor: base64url JSON of the last row's keyset. */
export function encodeCursor(position: Keyset): string {
  return Buffer.from(JSON.stringify([position.key, position.id])).toString("base64url");
}

/** The keyset of a cursor; null when it cannot be read (the command answers 422). */
export function decodeCursor(cursor: string): Keyset | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [key, id] = value as unknown[];
    if (typeof key !== "string" || typeof id !== "string") return null;
    if (Number.isNaN(Date.parse(key)) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    return { key, id };
  } catch {
    // Not base64url JSON at all: an unreadable cursor, reported as such by the caller.
    return null;
  }
}

interface MemberWorkspaceRow extends WorkspaceRow {
  role: string;
  sort_key: string;
}

const toMemberWorkspace = ({ sort_key: _key, ...row }: MemberWorkspaceRow): MemberWorkspace => ({ ...row, role: isRole(row.role) ? row.role : "viewer" });

export async function insertWorkspace(tx: Queryable, workspace: { id: string; name: string; createdBy: string }): Promise<WorkspaceRow> {
  const { rows } = await tx.query<WorkspaceRow>(
    "insert into api.workspaces (id, name, created_by) values ($1, $2, $3) returning id, name, created_by, created_at, updated_at",
    [workspace.id, workspace.name, workspace.createdBy],
  );
  return rows[0]!;
}

/** The workspace with `userId`'s role; null when it does not exist or they are not a member. */
export async function findMemberWorkspace(db: Queryable, workspaceId: string, userId: string): Promise<MemberWorkspace | null> {
  const { rows } = await db.query<MemberWorkspaceRow>(
    `select w.id, w.name, w.created_by, w.created_at, w.updated_at, m.role, '' as sort_key
       from api.workspaces w join api.members m on m.workspace_id = w.id and m.user_id = $2
      where w.id = $1`,
    [workspaceId, userId],
  );
  return rows[0] ? toMemberWorkspace(rows[0]) : null;
}

/** One page of `userId`'s workspaces, oldest first, after `after`; `limit + 1` rows tell whether more follow. */
export async function listMemberWorkspaces(
  db: Queryable,
  userId: string,
  page: { after: Keyset | null; limit: number },
): Promise<{ items: MemberWorkspace[]; next: Keyset | null }> {
  const { rows } = await db.query<MemberWorkspaceRow>(
    `select w.id, w.name, w.created_by, w.created_at, w.updated_at, m.role, w.created_at::text as sort_key
       from api.members m join api.workspaces w on w.id = m.workspace_id
      where m.user_id = $1 and ($2::timestamptz is null or (w.created_at, w.id) > ($2::timestamptz, $3::uuid))
      order by w.created_at, w.id
      limit $4`,
    [userId, page.after?.key ?? null, page.after?.id ?? null, page.limit + 1],
  );
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items: items.map(toMemberWorkspace), next: more && last ? { key: last.sort_key, id: last.id } : null };
}

/**
 * Locks the workspace row for the rest of the transaction: membership changes of one workspace
 * run one after another, so two concurrent demotions cannot both see "another owner remains".
 */
export async function lockWorkspace(tx: Queryable, workspaceId: string): Promise<boolean> {
  const { rows } = await tx.query("select id from api.workspaces where id = $1 for update", [workspaceId]);
  return rows.length > 0;
}

export async function renameWorkspace(tx: Queryable, workspaceId: string, name: string): Promise<WorkspaceRow | null> {
  const { rows } = await tx.query<WorkspaceRow>(
    "update api.workspaces set name = $2, updated_at = now() where id = $1 returning id, name, created_by, created_at, updated_at",
    [workspaceId, name],
  );
  return rows[0] ?? null;
}

/** Deletes the workspace; members, invitations, documents and shares go with it (on delete cascade). */
export async function deleteWorkspace(tx: Queryable, workspaceId: string): Promise<boolean> {
  const { rowCount } = await tx.query("delete from api.workspaces where id = $1", [workspaceId]);
  return rowCount > 0;
}
