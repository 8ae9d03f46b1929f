import type { Queryable } from "@materi/platform";
import type { StoredUpdate } from "../types.js";

/** One update waiting to be written, already validated. */
export interface PendingUpdate {
  documentId: string;
  update: Uint8Array;
  origin: string;
}

interface HeadRow {
  document_id: string;
  seq: string;
}

/**
 * Writes `items` in the caller's transaction and returns them with their seqs, in input order.
 * One statement bumps every touched head by its count (row-locking it until COMMIT, in document
 * id order so two batches touching the same documents cannot deadlock); a second inserts all rows.
 */
export async function insertUpdates(tx: Queryable, items: readonly PendingUpdate[]): Promise<StoredUpdate[]> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.documentId, (counts.get(item.documentId) ?? 0) + 1);
  const ids = [...counts.keys()].sort();
  const heads = await tx.query<HeadRow>(
    `insert into docstore.heads as h (document_id, seq)
     select * from unnest($1::uuid[], $2::bigint[])
     on conflict (document_id) do update set seq = h.seq + excluded.seq, updated_at = now()
     returning document_id, seq`,
    [ids, ids.map((id) => counts.get(id))],
  );
  // The first seq each document's items take: new head - count + 1.
  const next = new Map<string, number>();
  for (const row of heads.rows) next.set(row.document_id, Number(row.seq) - (counts.get(row.document_id) ?? 0) + 1);
  const stored = items.map((item) => {
    const seq = next.get(item.documentId);
    if (seq === undefined) throw new Error(`docstore: no head returned for document ${item.documentId}`);
    next.set(item.documentId, seq + 1);
    return { documentId: item.documentId, seq, update: item.update, origin: item.origin };
  });
  await tx.query(
    `insert into docstore.updates (document_id, seq, update, origin)
     select * from unnest($1::uuid[], $2::bigint[], $3::bytea[], $4::text[])`,
    [stored.map((s) => s.documentId), stored.map((s) => s.seq), stored.map((s) => s.update), stored.map((s) => s.origin)],
  );
  return stored;
}

interface LogRow {
  kind: "snapshot" | "update";
  seq: string;
  data: Buffer;
  origin: string;
  pruned_seq: string | null;
}

/** The snapshot (if any) and every log row after it, read in one statement so both agree. */
export interface DocumentState {
  snapshot: { seq: number; state: Uint8Array; prunedSeq: number } | null;
  updates: StoredUpdate[];
}

export async function readState(db: Queryable, documentId: string): Promise<DocumentState> {
  // One statement sees one MVCC snapshot: a compactor committing in between cannot make us miss
  // rows it folded and pruned.
  const { rows } = await db.query<LogRow>(
    `with s as (select seq, state, pruned_seq from docstore.snapshots where document_id = $1)
     select 'snapshot' as kind, seq, state as data, '' as origin, pruned_seq from s
     union all
     select 'update', u.seq, u.update, u.origin, null from docstore.updates u
      where u.document_id = $1 and u.seq > coalesce((select seq from s), 0)
     order by kind, seq`,
    [documentId],
  );
  return toState(documentId, rows);
}

/**
 * Log rows after `afterSeq`; when some of those were pruned, the snapshot (as kind "snapshot")
 * and the rows after it instead.
 */
export async function readSince(db: Queryable, documentId: string, afterSeq: number): Promise<DocumentState> {
  const { rows } = await db.query<LogRow>(
    `with s as (select seq, state, pruned_seq from docstore.snapshots where document_id = $1 and pruned_seq > $2)
     select 'snapshot' as kind, seq, state as data, '' as origin, pruned_seq from s
     union all
     select 'update', u.seq, u.update, u.origin, null from docstore.updates u
      where u.document_id = $1 and u.seq > coalesce((select seq from s), $2)
     order by kind, seq`,
    [documentId, afterSeq],
  );
  return toState(documentId, rows);
}

function toState(documentId: string, rows: readonly LogRow[]): DocumentState {
  const state: DocumentState = { snapshot: null, updates: [] };
  for (const row of rows) {
    const bytes = new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength);
    if (row.kind === "snapshot") {
      state.snapshot = { seq: Number(row.seq), state: bytes, prunedSeq: Number(row.pruned_seq) };
    } else {
      state.updates.push({ documentId, seq: Number(row.seq), update: bytes, origin: row.origin });
    }
  }
  return state;
}
