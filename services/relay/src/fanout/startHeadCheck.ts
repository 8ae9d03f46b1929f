import type { Logger, Queryable } from "@materi/platform";
import type { DocumentFollowers } from "./DocumentFollowers.js";

export interface HeadCheckOptions {
  db: Queryable;
  followers: DocumentFollowers;
  logger: Logger;
  intervalMs: number;
}

/**
 * Every `intervalMs`, one query reads the stored head seq of every loaded document and hands them
 * to the followers, which resync a document left behind. The update channel is at most once and a
 * gap is otherwise noticed only at the next message, so this bounds how long a lost *last* update
 * stays unseen (about two intervals).
 */
export function startHeadCheck(opts: HeadCheckOptions): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    const ids = opts.followers.documentIds();
    if (running || ids.length === 0) return;
    running = true;
    readStoredHeads(opts.db, ids)
      .then((heads) => opts.followers.compareStoredHeads(heads))
      .catch((err: unknown) => opts.logger.warn({ err }, "relay head check failed; trying again next interval"))
      .finally(() => (running = false));
  }, opts.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

// The docstore's heads table (one row per document, bumped in each append's transaction) read
// directly: the DocStore port reads one document at a time, this is one statement for all.
async function readStoredHeads(db: Queryable, ids: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ document_id: string; seq: string }>(
    "select document_id::text, seq::text from docstore.heads where document_id = any($1::uuid[])",
    [ids],
  );
  return new Map(rows.map((row) => [row.document_id, Number(row.seq)]));
}
