import type { Queryable } from "@materi/platform";
import type { ShareRole } from "@materi/contracts";

/** A row of api.shares: a direct grant of a document to one user. */
export interface ShareRow {
  id: string;
  document_id: string;
  user_id: string;
  role: ShareRole;
  granted_by: string;
  created_at: Date;
}

const COLUMNS = "id, document_id, user_id, role, granted_by, created_at";

/**
 * Grants `role`, or changes the role of the user's existing share of the document; `created` says
 * which (xmax = 0 only for a freshly inserted row).
 */
export async function upsertShare(
  tx: Queryable,
  share: { id: string; documentId: string; userId: string; role: ShareRole; grantedBy: string },
): Promise<{ share: ShareRow; created: boolean }> {
  const { rows } = await tx.query<ShareRow & { created: boolean }>(
    `insert into api.shares (id, document_id, user_id, role, granted_by) values ($1, $2, $3, $4, $5)
     on conflict (document_id, user_id) do update set role = excluded.role, granted_by = excluded.granted_by
     returning ${COLUMNS}, (xmax = 0) as created`,
    [share.id, share.documentId, share.userId, share.role, share.grantedBy],
  );
  const { created, ...row } = rows[0]!;
  return { share: row, created };
}

export async function listShares(db: Queryable, documentId: string): Promise<ShareRow[]> {
  const { rows } = await db.query<ShareRow>(`select ${COLUMNS} from api.shares where document_id = $1 order by created_at, id`, [documentId]);
  return rows;
}

export async function findShare(db: Queryable, documentId: string, shareId: string): Promise<ShareRow | null> {
  const { rows } = await db.query<ShareRow>(`select ${COLUMNS} from api.shares where document_id = $1 and id = $2`, [documentId, shareId]);
  return rows[0] ?? null;
}

export async function deleteShare(tx: Queryable, documentId: string, shareId: string): Promise<ShareRow | null> {
  const { rows } = await tx.query<ShareRow>(`delete from api.shares where document_id = $1 and id = $2 returning ${COLUMNS}`, [documentId, shareId]);
  return rows[0] ?? null;
}
