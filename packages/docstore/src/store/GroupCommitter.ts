import type { Database } from "@materi/platform";
import type { StoredUpdate } from "../types.js";
import { insertUpdates, type PendingUpdate } from "./updateLog.js";

interface Waiter {
  item: PendingUpdate;
  resolve: (stored: StoredUpdate) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitterOptions {
  db: Database;
  /** Most appends written in one statement (count); default 500. */
  maxBatch?: number;
  /** Most update bytes written in one statement (bytes); default 8 MiB. A larger single update still goes alone. */
  maxBatchBytes?: number;
  /** Hears each committed batch, in commit order, after its callers are resolved. */
  onCommitted: (stored: StoredUpdate[]) => void;
  /** Hears the size of each batch as its statement is sent, for tests and metrics. Default none. */
  onBatch?: (size: number) => void;
}

const DEFAULT_MAX_BATCH = 500;
const DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Group commit: appends that arrive while a commit is in flight are gathered and written by the
 * next one (one statement: a head bump per document and a multi-row insert), so a burst of N
 * appends costs a couple of commits instead of N. Appends made in the same tick share the first.
 * Each caller resolves after COMMIT with its own seq; when a batch fails, every caller in it
 * rejects and the rollback leaves neither rows nor a seq gap.
 */
export class GroupCommitter {
  private queue: Waiter[] = [];
  private draining = false;
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;

  constructor(private readonly opts: GroupCommitterOptions) {
    this.maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
    this.maxBatchBytes = opts.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  }

  submit(item: PendingUpdate): Promise<StoredUpdate> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      // Start on a microtask, not now, so the appends of this same tick join the first batch.
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) await this.commit(this.queue.splice(0, this.nextBatchSize()));
    this.draining = false;
  }

  /** How many queued appends the next statement takes: at least one, within both limits. */
  private nextBatchSize(): number {
    let bytes = 0;
    let count = 0;
    for (const waiter of this.queue) {
      bytes += waiter.item.update.byteLength;
      if (count === this.maxBatch || (count > 0 && bytes > this.maxBatchBytes)) break;
      count++;
    }
    return count;
  }

  private async commit(batch: Waiter[]): Promise<void> {
    let stored: StoredUpdate[];
    try {
      this.opts.onBatch?.(batch.length);
      stored = await insertUpdates(this.opts.db, batch.map((w) => w.item));
    } catch (err) {
      for (const waiter of batch) waiter.reject(err);
      return;
    }
    batch.forEach((waiter, i) => waiter.resolve(stored[i] as StoredUpdate));
    this.opts.onCommitted(stored);
  }
}
