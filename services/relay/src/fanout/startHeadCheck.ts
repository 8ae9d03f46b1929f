import type { DocStore } from "@materi/docstore";
import type { Logger } from "@materi/platform";
import type { DocumentFollowers } from "./DocumentFollowers.js";

export interface HeadCheckOptions {
  docs: Pick<DocStore, "heads">;
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
    opts.docs
      .heads(ids)
      .then((heads) => opts.followers.compareStoredHeads(heads))
      .catch((err: unknown) => opts.logger.warn({ err }, "relay head check failed; trying again next interval"))
      .finally(() => (running = false));
  }, opts.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
