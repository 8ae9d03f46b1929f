import { startCompactor } from "@materi/docstore";
import type { ApiContext } from "../context.js";
import { purgeExpiredTrash } from "./trashPurger.js";

export interface BackgroundJobs {
  stop(): Promise<void>;
}

/**
 * The api's timers: the docstore compactor (folds update logs into snapshots, keeps idle
 * revisions; safe with several replicas, see startCompactor) and the trash purger.
 */
export function startBackgroundJobs(ctx: ApiContext): BackgroundJobs {
  const compactor = startCompactor({ db: ctx.db, logger: ctx.logger, intervalMs: ctx.config.COMPACTOR_INTERVAL_MS });
  let purging: Promise<unknown> = Promise.resolve();
  const purge = setInterval(() => {
    purging = purgeExpiredTrash(ctx).catch((err: unknown) => ctx.logger.warn({ err }, "trash purge failed; retried next interval"));
  }, ctx.config.TRASH_PURGE_INTERVAL_MS);
  purge.unref();
  return {
    async stop() {
      clearInterval(purge);
      await Promise.all([compactor.stop(), purging]);
    },
  };
}
