import type { Migration } from "@materi/platform";

/** The schema owner whose migrations these are: pass to runMigrations as `{ owner, migrations }`. */
export const SCHEMA_REGISTRY_OWNER = "events";

/**
 * The schema registry's tables, in the shared `events` schema (ARCHITECTURE.md, "Contracts and
 * events"): event_type -> ordered versions of its payload message. `descriptor` is a serialized
 * google.protobuf.FileDescriptorSet holding the message's file and every file it imports, so any
 * language can rebuild the message and decode old payloads without our generated code.
 */
export const schemaRegistryMigrations: Migration[] = [
  {
    version: 1,
    name: "schema registry: schema_versions",
    up: `
      -- runMigrations creates the owner schema; said again so the SQL stands on its own.
      create schema if not exists events;
      create table if not exists events.schema_versions (
        event_type text not null,
        version integer not null check (version > 0),
        message_name text not null,
        descriptor bytea not null,
        registered_at timestamptz not null default now(),
        primary key (event_type, version)
      );
    `,
  },
];
