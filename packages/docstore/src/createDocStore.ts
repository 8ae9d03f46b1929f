import type { Database, Logger } from "@materi/platform";
import type { DocStore } from "./types.js";

export interface DocStoreOptions {
  db: Database;
  logger: Logger;
  /** Announce appends on Redis pub/sub; without it, on the process-wide in-process channel. */
  redisUrl?: string;
}

// Placeholder: filled in by issue 6's work in progress.
export function createDocStore(_opts: DocStoreOptions): DocStore {
  throw new Error("not implemented");
}
