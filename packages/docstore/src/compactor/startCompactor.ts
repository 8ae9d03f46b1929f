import type { Database, Logger } from "@materi/platform";
import * as Y from "yjs";
import { loadDocument } from "../store/loadDocument.js";
import { insertRevision, isUniqueViolation } from "../store/revisionStore.js";
import { compactDocument } from "./compactDocument.js";

export interface CompactorOptions {
  db: Database;
  logger: Logger;
  /** Pause between two runs, in milliseconds; default 30000. */
  intervalMs?: number;
  /** Log rows after its snapshot a document needs before it is compacted (count); default 100. */
  minUpdates?: number;
  /** Quiet time after a document's last append before an "idle" revision is written, in milliseconds; default 300000 (5 min). */
  idleRevisionMs?: number;
  /**
   * How long folded log rows are kept after compaction, in milliseconds, so a relay that fell a
   * little behind still gets plain updates from `updatesSince`; default 600000 (10 min).
   */
  retentionMs?: number;
  /** Most documents compacted, and most idle revisions written, per run (count); default 50. */
  batchSize?: number;
}

export interface CompactionRun {
  /** Documents whose snapshot this run moved. */
  compacted: number;
  /** Log rows deleted. */
  pruned: number;
  /** Idle revisions written. */
  revisions: number;
}

export interface Compactor {
  /** One run now (also what the timer calls); runs never overlap. */
  runOnce(): Promise<CompactionRun>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

type Tunables = Required<Omit<CompactorOptions, "db" | "logger">>;

export const compactorDefaults: Readonly<Tunables> = {
  intervalMs: 30_000,
  minUpdates: 100,
  idleRevisionMs: 300_000,
  retentionMs: 600_000,
  batchSize: 50,
};

/**
 * The background compactor (issue 6): folds long logs into snapshots, prunes the folded log past
 * its retention window, and keeps an "idle" revision of documents nobody has edited for a while.
 * Any number of replicas may run one; see compactDocument for why they do not collide.
 */
export function startCompactor(opts: CompactorOptions): Compactor {
  const config: Config = { ...compactorDefaults, ...definedOnly(opts), db: opts.db, logger: opts.logger };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<CompactionRun> | undefined;
  let stopped = false;

  const runOnce = (): Promise<CompactionRun> => {
    running ??= runCompaction(opts.db, config).finally(() => (running = undefined));
    return running;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => opts.logger.error({ err }, "docstore compaction failed"))
        .finally(schedule);
    }, config.intervalMs);
    // A pending compaction must not keep a process alive that is otherwise done.
    timer.unref();
  };
  schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type Config = Tunables & { db: Database; logger: Logger };

async function runCompaction(db: Database, config: Config): Promise<CompactionRun> {
  const run: CompactionRun = { compacted: 0, pruned: 0, revisions: 0 };
  const due = await db.query<{ document_id: string }>(
    `select h.document_id from docstore.heads h left join docstore.snapshots s using (document_id)
      where h.seq - coalesce(s.seq, 0) >= $1
      order by h.seq - coalesce(s.seq, 0) desc limit $2`,
    [config.minUpdates, config.batchSize],
  );
  for (const { document_id } of due.rows) {
    try {
      const outcome = await compactDocument(db, document_id, config.retentionMs);
      if (outcome.snapshotSeq !== null) run.compacted++;
      run.pruned += outcome.pruned;
    } catch (err) {
      // One document failing (say, a corrupt update) must not stall compaction of the others.
      config.logger.error({ err, documentId: document_id }, "docstore compaction of a document failed");
    }
  }
  run.revisions = await writeIdleRevisions(db, config);
  return run;
}

/** An "idle" revision for documents quiet for idleRevisionMs whose newest revision is behind their head. */
async function writeIdleRevisions(db: Database, config: Config): Promise<number> {
  const idle = await db.query<{ document_id: string }>(
    `select h.document_id from docstore.heads h
      where h.seq > 0 and h.updated_at <= now() - $1 * interval '1 millisecond'
        and h.seq > coalesce((select max(r.seq) from docstore.revisions r where r.document_id = h.document_id), 0)
      limit $2`,
    [config.idleRevisionMs, config.batchSize],
  );
  let written = 0;
  for (const { document_id } of idle.rows) {
    if (await writeIdleRevision(db, document_id)) written++;
  }
  return written;
}

async function writeIdleRevision(db: Database, documentId: string): Promise<boolean> {
  const { doc, seq } = await loadDocument(db, documentId);
  const state = Y.encodeStateAsUpdate(doc);
  try {
    return await db.transaction(async (tx) => {
      // As for a first snapshot (compactDocument): a document purged meanwhile gets no revision.
      const head = await tx.query("select 1 from docstore.heads where document_id = $1 for key share", [documentId]);
      if (head.rowCount === 0) return false;
      const revision = await insertRevision(tx, { documentId, seq, state, reason: "idle", userId: null, onlyIfNewer: true }, 1);
      return revision !== null;
    });
  } catch (err) {
    // Someone saved a revision at this very moment: this one is not needed, the next run decides.
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}
