import type { Queryable } from "@materi/platform";
import { retentionFor } from "../streams.js";
import type { AppendItem } from "../transports/EventTransport.js";

/** One outbox row as the dispatcher needs it. */
export interface OutboxRow {
  id: string;
  partition: number;
  stream: string;
  event_type: string;
  envelope: Buffer;
}

/**
 * The oldest `perPartition` rows of each partition in `partitions`, ordered by partition then
 * id: one round trip whatever the number of partitions, each scan an index range on
 * (partition, id). Rows of transactions still open are not visible yet; they are picked up on
 * a later round, after their own commit's notification, and still in id order within their
 * aggregate since one aggregate's writes are serialized by its own row lock.
 */
export async function selectBatch(db: Queryable, schema: string, partitions: readonly number[], perPartition: number): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(
    `select o.id::text as id, o.partition, o.stream, o.event_type, o.envelope
       from unnest($1::int[]) as p(partition)
       cross join lateral (
         select id, partition, stream, event_type, envelope from ${schema}.outbox
          where partition = p.partition order by id limit $2
       ) as o
      order by o.partition, o.id`,
    [partitions, perPartition],
  );
  return rows;
}

/** Removes rows whose XADD Redis acknowledged. */
export async function deleteRows(db: Queryable, schema: string, ids: readonly string[]): Promise<void> {
  await db.query(`delete from ${schema}.outbox where id = any($1::bigint[])`, [ids]);
}

/** Rows in partitions a dispatcher with `partitions` would never serve (the count was changed). */
export async function countStrayRows(db: Queryable, schema: string, partitions: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${schema}.outbox where partition >= $1`, [partitions]);
  return rows[0]?.n ?? 0;
}

/** A row as a stream entry: the envelope bytes exactly as enqueued, and the type for inspection. */
export function appendItemOf(row: OutboxRow): AppendItem {
  return {
    stream: row.stream,
    fields: { envelope: row.envelope, event_type: row.event_type },
    retentionMs: retentionFor(row.stream),
  };
}

/** True when some partition returned a full page: more rows are waiting, go again at once. */
export function hasMore(rows: readonly OutboxRow[], perPartition: number): boolean {
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(row.partition, (counts.get(row.partition) ?? 0) + 1);
  return [...counts.values()].some((n) => n >= perPartition);
}
