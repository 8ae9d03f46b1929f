import type { Database, Queryable } from "@materi/platform";
import * as Y from "yjs";
import { replay } from "../store/loadDocument.js";
import { readState } from "../store/updateLog.js";

export interface CompactionOutcome {
  /** The seq the new snapshot includes; null when there was nothing to fold or another compactor won. */
  snapshotSeq: number | null;
  /** Log rows deleted. */
  pruned: number;
}

/**
 * Folds the document's log into its snapshot, then deletes log rows the snapshot holds that are
 * older than `retentionMs`.
 *
 * The fold is computed outside any transaction (appends never wait for it) from one consistent
 * read; the write is a compare-and-set on the snapshot's seq, taken `for update skip locked`, so
 * two compactors on real PostgreSQL never block each other and only one of them writes, and on
 * embedded PGlite (one session, where the lock excludes nothing) the seq check alone keeps it
 * correct. Appends only insert rows above the head, which the fold never touches: none is lost.
 */
export async function compactDocument(db: Database, documentId: string, retentionMs: number): Promise<CompactionOutcome> {
  const { snapshot, updates } = await readState(db, documentId);
  const baseSeq = snapshot?.seq ?? 0;
  // Commits to one document happen in seq order (the head row lock), so a read sees a gap-free
  // prefix; the check only guards that assumption.
  let lastSeq = baseSeq;
  const folded: Uint8Array[] = [];
  for (const u of updates) {
    if (u.seq !== lastSeq + 1) break;
    folded.push(u.update);
    lastSeq = u.seq;
  }
  if (folded.length === 0) return { snapshotSeq: null, pruned: 0 };
  const doc = new Y.Doc();
  replay(doc, snapshot?.state, folded);
  // Through a Y.Doc rather than Y.mergeUpdates: the doc garbage-collects deleted content, so the
  // snapshot is the compact state, not the sum of every keystroke.
  const state = Y.encodeStateAsUpdate(doc);
  return db.transaction(async (tx) => {
    if (!(await claimSnapshot(tx, documentId, baseSeq, lastSeq, state))) return { snapshotSeq: null, pruned: 0 };
    const pruned = await pruneLog(tx, documentId, lastSeq, retentionMs);
    return { snapshotSeq: lastSeq, pruned };
  });
}

/** Writes the new snapshot if the stored one is still at `baseSeq`; false when another compactor moved it. */
async function claimSnapshot(tx: Queryable, documentId: string, baseSeq: number, seq: number, state: Uint8Array): Promise<boolean> {
  if (baseSeq === 0) {
    // Key-share lock on the head: waits for a purge in flight (it deletes the head) without
    // blocking appenders (they update a non-key column), so a purged document gets no new snapshot.
    const head = await tx.query("select 1 from docstore.heads where document_id = $1 for key share", [documentId]);
    if (head.rowCount === 0) return false;
    const created = await tx.query(
      `insert into docstore.snapshots (document_id, seq, state) values ($1, $2, $3) on conflict (document_id) do nothing`,
      [documentId, seq, state],
    );
    if (created.rowCount === 1) return true;
  }
  const { rows } = await tx.query<{ seq: string }>(
    "select seq from docstore.snapshots where document_id = $1 for update skip locked",
    [documentId],
  );
  if (rows[0] === undefined || Number(rows[0].seq) !== baseSeq) return false;
  await tx.query("update docstore.snapshots set seq = $2, state = $3, updated_at = now() where document_id = $1", [documentId, seq, state]);
  return true;
}

/**
 * Deletes the log rows up to the newest one at most `seq` that is older than the retention window,
 * so a relay a little behind still reads plain updates; `pruned_seq` records how far the log is gone.
 */
async function pruneLog(tx: Queryable, documentId: string, seq: number, retentionMs: number): Promise<number> {
  // created_at is not monotonic in seq (a transaction's start time, not its commit order), so the
  // cut is the highest old-enough seq and everything below it goes, keeping the log a suffix.
  const cut = await tx.query<{ seq: string | null }>(
    `select max(seq) as seq from docstore.updates
      where document_id = $1 and seq <= $2 and created_at < now() - $3 * interval '1 millisecond'`,
    [documentId, seq, retentionMs],
  );
  const cutSeq = cut.rows[0]?.seq;
  if (cutSeq === null || cutSeq === undefined) return 0;
  const deleted = await tx.query("delete from docstore.updates where document_id = $1 and seq <= $2", [documentId, cutSeq]);
  await tx.query("update docstore.snapshots set pruned_seq = greatest(pruned_seq, $2) where document_id = $1", [documentId, cutSeq]);
  return deleted.rowCount;
}
