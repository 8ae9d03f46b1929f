import type { Queryable } from "@materi/platform";
import type { ShareRole } from "@materi/contracts";

/** A row of api.share_links; the token itself is never stored, only its SHA-256. */
export interface ShareLinkRow {
  id: string;
  document_id: string;
  role: ShareRole;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = "id, document_id, role, created_by, created_at, revoked_at";
/** COLUMNS of the link aliased `l`, for queries that join it. */
const L_COLUMNS = COLUMNS.split(", ").map((column) => `l.${column}`).join(", ");

export async function insertShareLink(
  tx: Queryable,
  link: { id: string; documentId: string; tokenHash: Buffer; role: ShareRole; createdBy: string },
): Promise<ShareLinkRow> {
  const { rows } = await tx.query<ShareLinkRow>(
    `insert into api.share_links (id, document_id, token_hash, role, created_by) values ($1, $2, $3, $4, $5) returning ${COLUMNS}`,
    [link.id, link.documentId, link.tokenHash, link.role, link.createdBy],
  );
  return rows[0]!;
}

/** Live links of a document with how many users redeemed each. */
export async function listShareLinks(db: Queryable, documentId: string): Promise<(ShareLinkRow & { redeemed: number })[]> {
  const { rows } = await db.query<ShareLinkRow & { redeemed: number }>(
    `select ${L_COLUMNS},
            (select count(*)::int from api.share_link_grants g where g.link_id = l.id) as redeemed
       from api.share_links l where l.document_id = $1 and l.revoked_at is null order by l.created_at, l.id`,
    [documentId],
  );
  return rows;
}

/** Revokes a live link; null when it does not exist or was already revoked. Its grants stop counting at once. */
export async function revokeShareLink(tx: Queryable, documentId: string, linkId: string): Promise<ShareLinkRow | null> {
  const { rows } = await tx.query<ShareLinkRow>(
    `update api.share_links set revoked_at = now() where document_id = $1 and id = $2 and revoked_at is null returning ${COLUMNS}`,
    [documentId, linkId],
  );
  return rows[0] ?? null;
}

/** The live link with this token hash, and its document's title and trash state. */
export async function findLiveLinkByHash(
  db: Queryable,
  tokenHash: Buffer,
): Promise<(ShareLinkRow & { workspace_id: string; title: string; trashed: boolean }) | null> {
  const { rows } = await db.query<ShareLinkRow & { workspace_id: string; title: string; trashed: boolean }>(
    `select ${L_COLUMNS}, d.workspace_id, d.title, d.trashed_at is not null as trashed
       from api.share_links l join api.documents d on d.id = l.document_id
      where l.token_hash = $1 and l.revoked_at is null`,
    [tokenHash],
  );
  return rows[0] ?? null;
}

/** Records that `userId` redeemed the link; false when they already had. */
export async function insertLinkGrant(tx: Queryable, linkId: string, userId: string): Promise<boolean> {
  const { rowCount } = await tx.query("insert into api.share_link_grants (link_id, user_id) values ($1, $2) on conflict do nothing", [linkId, userId]);
  return rowCount > 0;
}
