import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "@materi/platform";
import { idAtTime } from "../transports/entryId.js";
import type { EventTransport, StreamEntry } from "../transports/EventTransport.js";

export interface TailStreamOptions {
  transport: EventTransport;
  /** The full stream name (streamName(domain)). */
  stream: string;
  /** Handles one entry; a throw is logged and the tail goes on (a tail has no retries or dead letters). */
  onEntry: (entry: StreamEntry) => Promise<void> | void;
  logger: Logger;
  /** Stops the tail; the returned promise settles after the entry in hand is done. */
  signal: AbortSignal;
  /** Start this many ms before now (clock skew with Redis); 0 starts after now. Default 0. */
  lookbackMs?: number;
  /** Pause between reads that found nothing new, in ms. Default 200. */
  pollMs?: number;
  /** Entries per read. Default 500. */
  batchSize?: number;
}

/**
 * Reads a stream as a plain tail, without a consumer group, until stopped: for state every replica
 * must hear (cache invalidations, live sessions to close), where a group would hand each entry to
 * one replica only. Entries are seen at most once per process and not at all while it is down, so
 * what a tail drives must be safe to miss (bounded by a cache lifetime) and to repeat.
 */
export async function tailStream(opts: TailStreamOptions): Promise<void> {
  const batchSize = opts.batchSize ?? 500;
  let start = opts.lookbackMs ? idAtTime(Date.now() - opts.lookbackMs) : `(${idAtTime(Date.now())}`;
  while (!opts.signal.aborted) {
    let entries: StreamEntry[] = [];
    try {
      entries = await opts.transport.range(opts.stream, { start, count: batchSize });
    } catch (err) {
      opts.logger.warn({ err, stream: opts.stream }, "stream tail cannot read; retrying");
    }
    for (const entry of entries) {
      try {
        await opts.onEntry(entry);
      } catch (err) {
        opts.logger.warn({ err, stream: opts.stream, entryId: entry.id }, "stream tail skipped an entry it could not handle");
      }
      start = `(${entry.id}`;
    }
    // A full page means more is waiting: read again at once.
    if (entries.length < batchSize) await delay(opts.pollMs ?? 200, undefined, { signal: opts.signal }).catch(() => undefined);
  }
}
