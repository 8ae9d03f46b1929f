import type { Migration } from "@materi/platform";
import { eventTablesMigration } from "@materi/events";

/**
 * The aria schema (issue 8): aria owns quotas and usage; the api keeps only a display read model
 * fed by `ai` events.
 */
export const ariaMigrations: Migration[] = [
  eventTablesMigration("aria", 1),
  {
    version: 2,
    name: "quotas, usage records, daily usage",
    up: `
      -- A workspace's own daily limit; absent means AI_DAILY_TOKEN_QUOTA.
      create table aria.quotas (
        workspace_id uuid primary key,
        daily_tokens bigint not null check (daily_tokens >= 0),
        updated_at timestamptz not null default now()
      );
      -- One row per generation, written when it starts and finished when it ends.
      create table aria.usage_records (
        request_id uuid primary key,
        workspace_id uuid not null,
        document_id uuid,
        user_id uuid not null,
        operation text not null,
        status text not null check (status in ('started', 'completed', 'failed')),
        provider text,
        model text,
        input_tokens bigint not null default 0,
        output_tokens bigint not null default 0,
        latency_ms bigint not null default 0,
        error text,
        created_at timestamptz not null default now(),
        finished_at timestamptz
      );
      create index usage_records_workspace on aria.usage_records (workspace_id, created_at);
      -- Tokens per workspace and UTC day: what the quota is checked against, one row read.
      create table aria.daily_usage (
        workspace_id uuid not null,
        day date not null,
        tokens bigint not null default 0,
        generations integer not null default 0,
        primary key (workspace_id, day)
      );
    `,
  },
];
