import type { Role } from "@materi/contracts";
import type { Queryable } from "@materi/platform";
import { grantColumns, grantsOneOf } from "./permissionStore.js";

/** A row of api.documents: the metadata; the content lives in the docstore. */
export interface DocumentRow {
  id: string;
  workspace_id: string;
  title: string;
  created_by: string;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
  version: number;
  content_seq: number;
  trashed_at: Date | null;
  trashed_by: string | null;
}

const COLUMNS = `id, workspace_id, title, created_by, updated_by, created_at, updated_at, version,
  content_seq::int as content_seq, trashed_at, trashed_by`;

export async function insertDocument(
  tx: Queryable,
  doc: { id: string; workspaceId: string; title: string; userId: string; contentSeq: number; searchText: string },
): Promise<DocumentRow> {
  const { rows } = await tx.query<DocumentRow>(
    `insert into api.documents (id, workspace_id, title, created_by, updated_by, content_seq, search_text)
     values ($1, $2, $3, $4, $4, $5, $6) returning ${COLUMNS}`,
    [doc.id, doc.workspaceId, doc.title, doc.userId, doc.contentSeq, doc.searchText],
  );
  return rows[0]!;
}

export async function findDocument(db: Queryable, id: string): Promise<DocumentRow | null> {
  const { rows } = await db.query<DocumentRow>(`select ${COLUMNS} from api.documents where id = $1`, [id]);
  return rows[0] ?? null;
}

/** The row under `for update`: metadata changes of one document are serialised. */
export async function lockDocument(tx: Queryable, id: string): Promise<DocumentRow | null> {
  const { rows } = await tx.query<DocumentRow>(`select ${COLUMNS} from api.documents where id = $1 for update`, [id]);
  return rows[0] ?? null;
}

/** Renames: bumps the version (the ETag). Returns the row as it now is. */
export async function updateTitle(tx: Queryable, id: string, title: string, userId: string): Promise<DocumentRow> {
  const { rows } = await tx.query<DocumentRow>(
    `update api.documents set title = $2, version = version + 1, updated_at = now(), updated_by = $3 where id = $1 returning ${COLUMNS}`,
    [id, title, userId],
  );
  return rows[0]!;
}

/**
 * A rename as one statement, for an event written alongside it (enqueueEvent's `alongside`),
 * with its access check: changes the row only while the user holds one of `roles` on it (the
 * rule of permissionStore, read in the same statement), it is live, in `workspaceId`, titled
 * otherwise, and at one of `versions` (null: any). Returns the row as it now is with the user's
 * grants, or no row when a condition failed.
 */
export function renameStatement(rename: {
  id: string;
  workspaceId: string;
  title: string;
  userId: string;
  versions: number[] | null;
  roles: readonly Role[];
}): { sql: string; params: unknown[] } {
  return {
    sql: `update api.documents d set title = $2, version = d.version + 1, updated_at = now(), updated_by = $3
            from (select ${grantColumns("$3")} from api.documents d where d.id = $1) a
           where d.id = $1 and d.workspace_id = $4 and d.trashed_at is null and d.title <> $2
             and ($5::int[] is null or d.version = any($5::int[])) and ${grantsOneOf("a", "$6")}
       returning ${COLUMNS}, a.archived, a.member_role, a.share_role, a.link_role`,
    params: [rename.id, rename.title, rename.userId, rename.workspaceId, rename.versions, rename.roles],
  };
}

/**
 * Records that the content reached `seq`, with its plain text for search. Two writers may finish
 * out of order: the text of the higher seq wins, so the index never goes back in time.
 */
export async function recordContent(tx: Queryable, id: string, content: { seq: number; text: string }, userId: string): Promise<DocumentRow> {
  const { rows } = await tx.query<DocumentRow>(
    `update api.documents set
       search_text = case when $2 >= content_seq then $3 else search_text end,
       content_seq = greatest(content_seq, $2), updated_at = now(), updated_by = $4
     where id = $1 returning ${COLUMNS}`,
    [id, content.seq, content.text, userId],
  );
  return rows[0]!;
}

/** Moves to the trash; updated_at is left alone so the trash keeps the last edit's time. */
export async function trash(tx: Queryable, id: string, userId: string): Promise<DocumentRow> {
  const { rows } = await tx.query<DocumentRow>(
    `update api.documents set trashed_at = now(), trashed_by = $2, version = version + 1 where id = $1 returning ${COLUMNS}`,
    [id, userId],
  );
  return rows[0]!;
}

/** Restores from the trash and records who did it. */
export async function untrash(tx: Queryable, id: string, userId: string): Promise<DocumentRow> {
  const { rows } = await tx.query<DocumentRow>(
    `update api.documents set trashed_at = null, trashed_by = null, version = version + 1, updated_at = now(), updated_by = $2
     where id = $1 returning ${COLUMNS}`,
    [id, userId],
  );
  return rows[0]!;
}

/** A page position: the sort key of the last item, as PostgreSQL printed it (exact round trip). */
export interface PageKey {
  /** updated_at or trashed_at as text, or the rank as text when searching. */
  k: string;
  id: string;
}

export interface ListedDocument extends DocumentRow {
  sort_key: string;
}

/**
 * Live documents of a workspace: newest change first, or by full-text rank over title (weight A)
 * and content (weight B) when `q` is given (websearch syntax, English), then id.
 */
export async function listDocuments(
  db: Queryable,
  opts: { workspaceId: string; q?: string; after?: PageKey; limit: number },
): Promise<ListedDocument[]> {
  const params: unknown[] = [opts.workspaceId, opts.limit];
  if (opts.q !== undefined) {
    params.push(opts.q);
    let after = "";
    if (opts.after) {
      params.push(opts.after.k, opts.after.id);
      after = "and (rank < $4::real or (rank = $4::real and id > $5::uuid))";
    }
    // rank is a real; its text form round-trips exactly (extra_float_digits >= 1), so the cursor compares equal.
    const { rows } = await db.query<ListedDocument>(
      `select *, rank::text as sort_key from (
         select ${COLUMNS}, ts_rank(search, websearch_to_tsquery('english', $3)) as rank
           from api.documents
          where workspace_id = $1 and trashed_at is null and search @@ websearch_to_tsquery('english', $3)
       ) d where true ${after}
       order by rank desc, id limit $2`,
      params,
    );
    return rows;
  }
  let after = "";
  if (opts.after) {
    params.push(opts.after.k, opts.after.id);
    after = "and (updated_at, id) < ($3::timestamptz, $4::uuid)";
  }
  const { rows } = await db.query<ListedDocument>(
    `select ${COLUMNS}, updated_at::text as sort_key from api.documents
      where workspace_id = $1 and trashed_at is null ${after}
      order by updated_at desc, id desc limit $2`,
    params,
  );
  return rows;
}

/** Trashed documents of a workspace, most recently trashed first. */
export async function listTrash(db: Queryable, opts: { workspaceId: string; after?: PageKey; limit: number }): Promise<ListedDocument[]> {
  const params: unknown[] = [opts.workspaceId, opts.limit];
  let after = "";
  if (opts.after) {
    params.push(opts.after.k, opts.after.id);
    after = "and (trashed_at, id) < ($3::timestamptz, $4::uuid)";
  }
  const { rows } = await db.query<ListedDocument>(
    `select ${COLUMNS}, trashed_at::text as sort_key from api.documents
      where workspace_id = $1 and trashed_at is not null ${after}
      order by trashed_at desc, id desc limit $2`,
    params,
  );
  return rows;
}

/** Trashed documents whose restore window has passed, oldest first. */
export async function findExpiredTrash(db: Queryable, retentionDays: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select id from api.documents where trashed_at < now() - make_interval(days => $1) order by trashed_at limit $2`,
    [retentionDays, limit],
  );
  return rows.map((row) => row.id);
}

/** Removes the document row (shares and links cascade) if it is still expired; false when restored meanwhile. */
export async function deleteExpiredDocument(db: Queryable, id: string, retentionDays: number): Promise<boolean> {
  const { rowCount } = await db.query(
    "delete from api.documents where id = $1 and trashed_at < now() - make_interval(days => $2)",
    [id, retentionDays],
  );
  return rowCount > 0;
}

/** Every document of a workspace, trashed ones included. */
export async function documentIdsOfWorkspace(db: Queryable, workspaceId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>("select id from api.documents where workspace_id = $1", [workspaceId]);
  return rows.map((row) => row.id);
}
