import type { Migration } from "@materi/platform";

/** Plain lower-case schema names only: the name is spliced into SQL, so nothing else gets through. */
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,40}$/;

/** Throws unless `schema` is a plain lower-case identifier (it is interpolated into SQL). */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_PATTERN.test(schema)) {
    throw new Error(`event tables: schema "${schema}" is not a plain lower-case identifier (a-z, 0-9, _; at most 41 characters)`);
  }
  return schema;
}

/** The LISTEN/NOTIFY channel the outbox trigger of `schema` signals on commit, e.g. `outbox_api`. */
export function outboxChannel(schema: string): string {
  return `outbox_${checkSchemaName(schema)}`;
}

/**
 * Every schema owner keeps its own outbox (events committed with the state change that caused
 * them) and processed_events (handler idempotency by event_id), per ARCHITECTURE.md "Data
 * ownership". Services list it as their migration v1: `eventTablesMigration("shield", 1)`.
 *
 * outbox: one row per event not yet on its stream. `partition` (hash of aggregate_id, see
 * outbox/partitions.ts) is what dispatcher replicas lock, so one aggregate's rows are only ever
 * published by one replica, in `id` order. The envelope is built at enqueue time (the request's
 * correlation id, traceparent and timestamp) and stored as the exact bytes that go on the stream.
 * A statement trigger NOTIFYs the dispatchers on commit (NOTIFY is delivered at commit only, and
 * identical notifications of one transaction are folded into one), so an insert from any code
 * path wakes them, with no extra round trip for the writer.
 */
export function eventTablesMigration(schema: string, version = 1): Migration {
  const s = checkSchemaName(schema);
  return {
    version,
    // Named apart from the first draft's (unpartitioned outbox), so a dev database made with that
    // draft fails loudly with MIGRATION_CONFLICT instead of missing columns later: delete its data dir.
    name: "event tables: partitioned outbox and processed_events",
    up: `
      create table ${s}.outbox (
        id bigint generated always as identity primary key,
        partition smallint not null check (partition >= 0),
        aggregate_id text not null,
        event_id uuid not null,
        event_type text not null,
        stream text not null,
        envelope bytea not null,
        created_at timestamptz not null default now()
      );
      -- The dispatcher reads each partition's oldest rows: (partition, id) serves that scan.
      create index outbox_partition_id on ${s}.outbox (partition, id);

      create function ${s}.outbox_notify() returns trigger language plpgsql as $fn$
      begin
        perform pg_notify('${outboxChannel(s)}', '');
        return null;
      end
      $fn$;
      create trigger outbox_notify after insert on ${s}.outbox
        for each statement execute function ${s}.outbox_notify();

      create table ${s}.processed_events (
        consumer_group text not null,
        event_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (consumer_group, event_id)
      );
      -- For pruneProcessedEvents, which deletes by age.
      create index processed_events_processed_at on ${s}.processed_events (processed_at);
    `,
  };
}
