import type { Queryable } from "@materi/platform";
import { isRole, type Role } from "@materi/contracts";
import type { Keyset } from "./workspaceStore.js";

export interface InvitationRow {
  id: string;
  workspace_id: string;
  email: string;
  role: Role;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
}

interface Row extends Omit<InvitationRow, "role"> {
  role: string;
  sort_key: string;
}

const COLUMNS = "id, workspace_id, email, role, invited_by, created_at, expires_at, created_at::text as sort_key";

const toInvitation = ({ sort_key: _key, ...row }: Row): InvitationRow => ({ ...row, role: isRole(row.role) ? row.role : "viewer" });

/**
 * Creates the pending invitation of `email`, or renews the one already pending (new role,
 * inviter and expiry): the partial unique index allows one pending invitation per address.
 */
export async function upsertInvitation(
  tx: Queryable,
  invitation: { id: string; workspaceId: string; email: string; role: Role; invitedBy: string; ttlS: number },
): Promise<InvitationRow> {
  const { rows } = await tx.query<Row>(
    `insert into api.invitations (id, workspace_id, email, role, invited_by, expires_at)
     values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
     on conflict (workspace_id, email) where accepted_at is null and revoked_at is null
     do update set role = excluded.role, invited_by = excluded.invited_by, expires_at = excluded.expires_at
     returning ${COLUMNS}`,
    [invitation.id, invitation.workspaceId, invitation.email, invitation.role, invitation.invitedBy, invitation.ttlS],
  );
  return toInvitation(rows[0]!);
}

/** One page of the workspace's open (not accepted, not revoked) invitations, expired ones included. */
export async function listOpenInvitations(
  db: Queryable,
  workspaceId: string,
  page: { after: Keyset | null; limit: number },
): Promise<{ items: InvitationRow[]; next: Keyset | null }> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from api.invitations
      where workspace_id = $1 and accepted_at is null and revoked_at is null
        and ($2::timestamptz is null or (created_at, id) > ($2::timestamptz, $3::uuid))
      order by created_at, id limit $4`,
    [workspaceId, page.after?.key ?? null, page.after?.id ?? null, page.limit + 1],
  );
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items: items.map(toInvitation), next: rows.length > page.limit && last ? { key: last.sort_key, id: last.id } : null };
}

/** Revokes an open invitation; false when there is none with this id in the workspace. */
export async function revokeInvitation(tx: Queryable, workspaceId: string, invitationId: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    "update api.invitations set revoked_at = now() where id = $1 and workspace_id = $2 and accepted_at is null and revoked_at is null",
    [invitationId, workspaceId],
  );
  return rowCount > 0;
}

/** Open, unexpired invitations of `email`, locked until the transaction ends. */
export async function claimPendingInvitations(tx: Queryable, email: string): Promise<InvitationRow[]> {
  const { rows } = await tx.query<Row>(
    `select ${COLUMNS} from api.invitations
      where email = $1 and accepted_at is null and revoked_at is null and expires_at > now()
      order by created_at for update`,
    [email],
  );
  return rows.map(toInvitation);
}

export async function markInvitationAccepted(tx: Queryable, invitationId: string, userId: string): Promise<void> {
  await tx.query("update api.invitations set accepted_at = now(), accepted_by = $2 where id = $1", [invitationId, userId]);
}

/**
 * Serialises, per address, "invite this email" against "this email just signed up": both take
 * this lock before reading the other's table, so one of them always sees the other's commit and
 * no invitation is left pending for a user who already exists. A no-op on embedded PGlite, which
 * has one session (ARCHITECTURE.md: advisory locks there do not block).
 */
export async function lockInvitationEmail(tx: Queryable, email: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('api.invitation:' || $1))", [email]);
}
