import type { Migration } from "@materi/platform";

/**
 * The docstore schema (issue 6, "The document store"; ARCHITECTURE.md, "Data ownership").
 *
 * - `heads`: one row per document holding its last seq. Appenders increment it with a row lock
 *   inside their transaction, which serialises appenders to one document across processes and
 *   makes seqs gap-free: a rolled-back transaction rolls its increment back too.
 * - `updates`: the append-only log. Rows up to a snapshot's seq are deleted by the compactor once
 *   they are older than its retention window.
 * - `snapshots`: at most one per document, the state folded up to `seq`; `pruned_seq` is the last
 *   log seq deleted (log rows `<= pruned_seq` are gone, so `updatesSince` below it answers from the snapshot).
 * - `revisions`: full-state copies at meaningful points (idle, save, restore, created).
 */
export const docstoreMigrations: Migration[] = [
  {
    version: 1,
    name: "update log, heads, snapshots, revisions",
    up: `
      create schema if not exists docstore;
      create table docstore.heads (
        document_id uuid primary key,
        seq bigint not null check (seq >= 0),
        -- Last append, for the compactor's idle revisions.
        updated_at timestamptz not null default now()
      );
      create table docstore.updates (
        document_id uuid not null,
        seq bigint not null check (seq > 0),
        update bytea not null,
        origin text not null,
        created_at timestamptz not null default now(),
        primary key (document_id, seq)
      );
      create table docstore.snapshots (
        document_id uuid primary key,
        seq bigint not null check (seq >= 0),
        state bytea not null,
        pruned_seq bigint not null default 0 check (pruned_seq <= seq),
        updated_at timestamptz not null default now()
      );
      create table docstore.revisions (
        document_id uuid not null,
        rev integer not null check (rev > 0),
        seq bigint not null check (seq >= 0),
        state bytea not null,
        reason text not null check (reason in ('idle', 'save', 'restore', 'created')),
        user_id text,
        created_at timestamptz not null default now(),
        primary key (document_id, rev)
      );
      create index revisions_seq on docstore.revisions (document_id, seq);
    `,
  },
];
