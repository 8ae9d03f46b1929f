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

/** The grants of one user on one document, as SQL reads them (see grantColumns). */
export interface GrantRow {
  archived: boolean;
  member_role: string | null;
  share_role: string | null;
  link_role: string | null;
}

/**
 * The select list of a GrantRow for the document `d` (an api.documents row) and the user in the
 * placeholder `user` (e.g. "$2"): its workspace's archived flag, workspace role, share and live
 * share-link grants.
 */
export function grantColumns(user: string): string {
  return `(select w.archived_at is not null from api.workspaces w where w.id = d.workspace_id) as archived,
          (select m.role from api.members m where m.workspace_id = d.workspace_id and m.user_id = ${user}) as member_role,
          (select s.role from api.shares s where s.document_id = d.id and s.user_id = ${user}) as share_role,
          (select l.role from api.share_links l join api.share_link_grants g on g.link_id = l.id
            where l.document_id = d.id and g.user_id = ${user} and l.revoked_at is null
            order by case l.role when 'editor' then 1 when 'commenter' then 2 else 3 end limit 1) as link_role`;
}

/**
 * SQL that holds when the grant row `alias` gives a role in the placeholder `roles` (a text[] of
 * roles, e.g. every role at least editor): the same rule as effectiveRole, for a check inside a
 * write statement.
 */
export function grantsOneOf(alias: string, roles: string): string {
  return `(not ${alias}.archived and (${alias}.member_role = any(${roles}::text[]) or ${alias}.share_role = any(${roles}::text[]) or ${alias}.link_role = any(${roles}::text[])))`;
}

/** The highest of the grants; an archived workspace (its sole owner left and no admin could take over) is read-only. */
export function effectiveRole(grants: GrantRow): Role | null {
  const workspaceRole = isRole(grants.member_role) ? grants.member_role : null;
  const shareRole = isRole(grants.share_role) ? grants.share_role : null;
  const linkRole = isRole(grants.link_role) ? grants.link_role : null;
  const role = higher(workspaceRole, higher(shareRole, linkRole));
  return grants.archived && role !== null ? "viewer" : role;
}

/** One round trip: the document, its workspace role, share and link grants for `userId`. */
export async function documentAccessOf(db: Queryable, documentId: string, userId: string): Promise<DocumentAccess | null> {
  const { rows } = await db.query<GrantRow & { workspace_id: string; trashed: boolean }>(
    `select d.workspace_id, d.trashed_at is not null as trashed, ${grantColumns("$2")}
       from api.documents d where d.id = $1`,
    [documentId, userId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    documentId,
    workspaceId: row.workspace_id,
    trashed: row.trashed,
    role: effectiveRole(row),
    workspaceRole: isRole(row.member_role) ? row.member_role : null,
  };
}
