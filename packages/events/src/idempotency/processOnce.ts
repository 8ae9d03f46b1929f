import type { Database, Queryable } from "@materi/platform";
import { checkSchemaName } from "../store/eventTablesMigration.js";

/** Where a consumer group records the events it has handled. */
export interface IdempotencyOptions {
  /** The database holding `<schema>.processed_events` (eventTablesMigration). */
  db: Pick<Database, "transaction">;
  /** The consuming service's schema, e.g. "api". */
  schema: string;
}

export interface ProcessOnceKey {
  /** The consumer group (service name) handling the event. */
  group: string;
  /** The envelope's event_id (a UUID). */
  eventId: string;
}

/** What processOnce did. */
export interface ProcessOnceResult {
  /** True when `fn` ran and committed; false when the event was already processed (redelivery). */
  processed: boolean;
}

/**
 * Runs `fn(tx)` at most once per (group, event_id): the processed_events row is inserted in the
 * same transaction as the handler's effect (issue 4, §4), so both commit or neither does. If the
 * row exists, a redelivery, `fn` is skipped. Two consumers racing on one event (a takeover of an
 * entry its first owner is still handling) serialize on the primary key: the second insert waits
 * for the first transaction, then finds the row and skips.
 */
export async function processOnce(
  options: IdempotencyOptions,
  key: ProcessOnceKey,
  fn: (tx: Queryable) => Promise<void>,
): Promise<ProcessOnceResult> {
  const schema = checkSchemaName(options.schema);
  return options.db.transaction(async (tx) => {
    const inserted = await tx.query(
      `insert into ${schema}.processed_events (consumer_group, event_id) values ($1, $2)
       on conflict do nothing returning 1`,
      [key.group, key.eventId],
    );
    if (inserted.rowCount === 0) return { processed: false };
    await fn(tx);
    return { processed: true };
  });
}

export interface PruneProcessedEventsOptions {
  /** The schema whose processed_events to prune. */
  schema: string;
  /**
   * Keep rows younger than this, in ms. Default 30 days: well past the longest stream retention
   * (7 days), so an entry still on a stream, or replayed from the DLQ soon after, is still recognised.
   */
  olderThanMs?: number;
}

const DEFAULT_KEEP_MS = 30 * 24 * 60 * 60 * 1000;

/** Deletes processed_events rows older than the window; returns how many. Run it daily. */
export async function pruneProcessedEvents(db: Queryable, options: PruneProcessedEventsOptions): Promise<number> {
  const schema = checkSchemaName(options.schema);
  const keepMs = options.olderThanMs ?? DEFAULT_KEEP_MS;
  const result = await db.query(
    `delete from ${schema}.processed_events where processed_at < now() - make_interval(secs => $1::double precision)`,
    [keepMs / 1000],
  );
  return result.rowCount;
}
