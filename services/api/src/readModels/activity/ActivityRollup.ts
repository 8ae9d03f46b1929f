import type { Database, Logger } from "@materi/platform";
import { recomputeDays, recomputeLastEdits, takePendingActivity, tryRollupLock } from "../../store/activityStore.js";

export interface ActivityRollupOptions {
  db: Pick<Database, "transaction">;
  logger: Pick<Logger, "error">;
  /** How often a batch runs, in ms (ACTIVITY_BATCH_MS). Default 5000. */
  intervalMs?: number;
  /** Raw rows per batch transaction. Default 5000. */
  batchSize?: number;
}

/**
 * The batch half of the activity read model (the spec's "Analytics: eventual, batch processing"):
 * every `intervalMs` it takes the raw rows recorded since the last batch and recomputes the
 * aggregates of the days and documents they touch. One replica at a time (advisory lock); the
 * raw rows and their `rolled_up` mark commit with the aggregates, so a crash redoes a batch.
 */
export class ActivityRollup {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: ActivityRollupOptions) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.batchSize = options.batchSize ?? 5_000;
  }

  start(): this {
    this.schedule();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Rolls up everything pending; returns the raw rows it took (0 when another replica holds the lock). */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const taken = await this.options.db.transaction(async (tx) => {
        if (!(await tryRollupLock(tx))) return 0;
        const pending = await takePendingActivity(tx, this.batchSize);
        await recomputeDays(tx, pending.days);
        await recomputeLastEdits(tx, pending.documentIds);
        return pending.count;
      });
      total += taken;
      if (taken < this.batchSize || this.stopped) return total;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((err: unknown) => this.options.logger.error({ err }, "activity roll-up failed; retrying next batch"))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }
}
