import type { Queryable } from "@materi/platform";
import type { Revision, RevisionReason } from "../types.js";

interface RevisionRow {
  document_id: string;
  rev: number;
  seq: string;
  reason: RevisionReason;
  user_id: string | null;
  created_at: Date;
}

export interface NewRevision {
  documentId: string;
  seq: number;
  state: Uint8Array;
  reason: RevisionReason;
  userId: string | null;
  /** Write nothing when a revision at `seq` or later exists (idle revisions, two compactors). */
  onlyIfNewer?: boolean;
}

const UNIQUE_VIOLATION = "23505";
const INSERT_ATTEMPTS = 5;
const COLUMNS = "document_id, rev, seq, reason, user_id, created_at";

/**
 * Inserts a revision numbered max(rev) + 1. Two writers racing for one number collide on the
 * primary key and the loser retries; revisions are rare, so this beats locking the head row
 * appenders need. Null when `onlyIfNewer` found a newer revision.
 */
export async function insertRevision(db: Queryable, rev: NewRevision, attempts = INSERT_ATTEMPTS): Promise<Revision | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { rows } = await db.query<RevisionRow>(
        `insert into docstore.revisions (document_id, rev, seq, state, reason, user_id)
         select $1, m.next, $2, $3, $4, $5
           from (select coalesce(max(rev), 0) + 1 as next from docstore.revisions where document_id = $1) m
          where not $6::boolean
             or not exists (select 1 from docstore.revisions where document_id = $1 and seq >= $2)
         returning ${COLUMNS}`,
        [rev.documentId, rev.seq, rev.state, rev.reason, rev.userId, rev.onlyIfNewer ?? false],
      );
      return rows[0] ? toRevision(rows[0]) : null;
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= attempts) throw err;
    }
  }
}

/** Newest first; `beforeRev` is the cursor (the last rev of the previous page). */
export async function selectRevisions(db: Queryable, documentId: string, beforeRev: number | undefined, limit: number): Promise<Revision[]> {
  const { rows } = await db.query<RevisionRow>(
    `select ${COLUMNS} from docstore.revisions
      where document_id = $1 and ($2::integer is null or rev < $2)
      order by rev desc limit $3`,
    [documentId, beforeRev ?? null, limit],
  );
  return rows.map(toRevision);
}

export async function selectRevision(db: Queryable, documentId: string, rev: number): Promise<(Revision & { state: Uint8Array }) | null> {
  const { rows } = await db.query<RevisionRow & { state: Buffer }>(
    `select ${COLUMNS}, state from docstore.revisions where document_id = $1 and rev = $2`,
    [documentId, rev],
  );
  const row = rows[0];
  if (!row) return null;
  return { ...toRevision(row), state: new Uint8Array(row.state.buffer, row.state.byteOffset, row.state.byteLength) };
}

function toRevision(row: RevisionRow): Revision {
  return {
    documentId: row.document_id,
    rev: Number(row.rev),
    seq: Number(row.seq),
    reason: row.reason,
    userId: row.user_id,
    createdAt: row.created_at,
  };
}

/** True for a primary-key collision (two writers took the same rev). */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === UNIQUE_VIOLATION;
}
