import type { Queryable } from "@materi/platform";
import { higher, isRole, type Role } from "@materi/contracts";

/** A document's workspace and whether it is in the trash, with the caller's effective role. */
export interface DocumentAccess {
  documentId: string;
  workspaceId: string;
  trashed: boolean;
  /** Highest of workspace role, direct share, and redeemed live share link; null when none. */
  role: Role | null;
  /** The workspace role alone (null for a share-only reader). */
  workspaceRole: Role | null;
}

/** The caller's role in a workspace; null when not a member (or the workspace does not exist). */
export async function workspaceRoleOf(db: Queryable, workspaceId: string, userId: string): Promise<Role | null> {
  const { rows } = await db.query<{ role: string }>(
    "select role from api.members where workspace_id = $1 and user_id = $2",
    [workspaceId, userId],
  );
  const role = rows[0]?.role;
  return isRole(role) ? role : null;
}

/** One round trip: the document, its workspace role, share and link grants for `userId`. */
export async function documentAccessOf(db: Queryable, documentId: string, userId: string): Promise<DocumentAccess | null> {
  const { rows } = await db.query<{ workspace_id: string; trashed: boolean; archived: boolean; member_role: string | null; share_role: string | null; link_role: string | null }>(
    `select d.workspace_id, d.trashed_at is not null as trashed,
            (select w.archived_at is not null from api.workspaces w where w.id = d.workspace_id) as archived,
            (select m.role from api.members m where m.workspace_id = d.workspace_id and m.user_id = $2) as member_role,
            (select s.role from api.shares s where s.document_id = d.id and s.user_id = $2) as share_role,
            (select l.role from api.share_links l join api.share_link_grants g on g.link_id = l.id
              where l.document_id = d.id and g.user_id = $2 and l.revoked_at is null
              order by case l.role when 'editor' then 1 when 'commenter' then 2 else 3 end limit 1) as link_role
       from api.documents d where d.id = $1`,
    [documentId, userId],
  );
  const row = rows[0];
  if (!row) return null;
  const workspaceRole = isRole(row.member_role) ? row.member_role : null;
  const shareRole = isRole(row.share_role) ? row.share_role : null;
  const linkRole = isRole(row.link_role) ? row.link_role : null;
  const role = higher(workspaceRole, higher(shareRole, linkRole));
  return {
    documentId,
    workspaceId: row.workspace_id,
    trashed: row.trashed,
    // An archived workspace (its sole owner left and no admin could take over) is read-only.
    role: row.archived && role !== null ? "viewer" : role,
    workspaceRole,
  };
}
