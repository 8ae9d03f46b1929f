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
 * Writes `items` and returns them with their seqs, in input order, in ONE statement: on its own
 * (autocommit) it costs a single round trip and commit, which is what an acknowledged keystroke
 * waits for. The statement bumps every touched head by its count (row-locking it, in document id
 * order so two batches touching the same documents cannot deadlock) and inserts the rows numbered
 * from the old head; it is atomic, so a failure leaves neither rows nor a seq gap.
 */
export async function insertUpdates(db: Queryable, items: readonly PendingUpdate[]): Promise<StoredUpdate[]> {
  const heads = await db.query<HeadRow>(
    `with input as (
       select * from unnest($1::uuid[], $2::bytea[], $3::text[]) with ordinality as t(document_id, update, origin, ord)
     ),
     counts as (select document_id, count(*)::bigint as n from input group by document_id),
     heads as (
       insert into docstore.heads as h (document_id, seq)
       select document_id, n from counts order by document_id
       on conflict (document_id) do update set seq = h.seq + excluded.seq, updated_at = now()
       returning document_id, seq
     ),
     stored as (
       insert into docstore.updates (document_id, seq, update, origin)
       select i.document_id, h.seq - c.n + row_number() over (partition by i.document_id order by i.ord), i.update, i.origin
         from input i join counts c using (document_id) join heads h using (document_id)
     )
     select document_id, seq from heads`,
    [items.map((i) => i.documentId), items.map((i) => i.update), items.map((i) => i.origin)],
  );
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.documentId, (counts.get(item.documentId) ?? 0) + 1);
  // The same numbering as the statement's: each document's items in input order from old head + 1.
  const next = new Map<string, number>();
  for (const row of heads.rows) next.set(row.document_id, Number(row.seq) - (counts.get(row.document_id) ?? 0) + 1);
  return items.map((item) => {
    const seq = next.get(item.documentId);
    if (seq === undefined) throw new Error(`docstore: no head returned for document ${item.documentId}`);
    next.set(item.documentId, seq + 1);
    return { documentId: item.documentId, seq, update: item.update, origin: item.origin };
  });
}

/** Head seqs of the documents among `ids` that have any update. */
export async function readHeads(db: Queryable, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ document_id: string; seq: string }>(
    "select document_id::text, seq::text from docstore.heads where document_id = any($1::uuid[])",
    [ids],
  );
  return new Map(rows.map((row) => [row.document_id, Number(row.seq)]));
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
