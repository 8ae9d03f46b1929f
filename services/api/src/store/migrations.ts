import type { Migration } from "@materi/platform";
import { eventTablesMigration } from "@materi/events";

/**
 * The api schema (issue 6). Roles are ordered owner > admin > editor > commenter > viewer
 * (packages/contracts/src/roles.ts); a document's effective role for a user is the highest of their
 * workspace role, a direct share, and a live share link they redeemed.
 */
export const apiMigrations: Migration[] = [
  eventTablesMigration("api", 1),
  {
    version: 2,
    name: "workspaces, members, invitations, documents, shares",
    up: `
      create table api.workspaces (
        id uuid primary key,
        name text not null,
        created_by uuid not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        -- Set when the sole owner left and no admin could take over (user-removal saga).
        archived_at timestamptz
      );
      create table api.members (
        workspace_id uuid not null references api.workspaces (id) on delete cascade,
        user_id uuid not null,
        role text not null check (role in ('owner', 'admin', 'editor', 'commenter', 'viewer')),
        created_at timestamptz not null default now(),
        primary key (workspace_id, user_id)
      );
      create index members_user on api.members (user_id);
      -- Users as Shield announces them (users stream): email lookups for member-add and
      -- invitations, and names for member lists when Shield is down.
      create table api.user_directory (
        user_id uuid primary key,
        email text not null,
        name text not null default '',
        deleted_at timestamptz,
        updated_at timestamptz not null default now()
      );
      create index user_directory_email on api.user_directory (email) where deleted_at is null;
      create table api.invitations (
        id uuid primary key,
        workspace_id uuid not null references api.workspaces (id) on delete cascade,
        email text not null,
        role text not null check (role in ('admin', 'editor', 'commenter', 'viewer')),
        invited_by uuid not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        accepted_at timestamptz,
        accepted_by uuid,
        revoked_at timestamptz
      );
      create unique index invitations_pending on api.invitations (workspace_id, email)
        where accepted_at is null and revoked_at is null;
      create index invitations_email on api.invitations (email) where accepted_at is null and revoked_at is null;
      create table api.documents (
        id uuid primary key,
        workspace_id uuid not null references api.workspaces (id) on delete cascade,
        title text not null,
        created_by uuid not null,
        updated_by uuid not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        -- Bumped by every metadata change; the ETag and If-Match compare it.
        version integer not null default 1,
        -- The docstore seq the search text was taken at.
        content_seq bigint not null default 0,
        search_text text not null default '',
        search tsvector generated always as (
          setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', search_text), 'B')
        ) stored,
        trashed_at timestamptz,
        trashed_by uuid
      );
      create index documents_workspace on api.documents (workspace_id, updated_at desc, id) where trashed_at is null;
      create index documents_trash on api.documents (workspace_id, trashed_at) where trashed_at is not null;
      create index documents_search on api.documents using gin (search);
      create table api.shares (
        id uuid primary key,
        document_id uuid not null references api.documents (id) on delete cascade,
        user_id uuid not null,
        role text not null check (role in ('editor', 'commenter', 'viewer')),
        granted_by uuid not null,
        created_at timestamptz not null default now(),
        unique (document_id, user_id)
      );
      create index shares_user on api.shares (user_id);
      create table api.share_links (
        id uuid primary key,
        document_id uuid not null references api.documents (id) on delete cascade,
        -- SHA-256 of the link's secret; the secret itself is shown once, at creation.
        token_hash bytea not null unique,
        role text not null check (role in ('editor', 'commenter', 'viewer')),
        created_by uuid not null,
        created_at timestamptz not null default now(),
        revoked_at timestamptz
      );
      create index share_links_document on api.share_links (document_id);
      -- Who opened a link: access lasts while the link is live.
      create table api.share_link_grants (
        link_id uuid not null references api.share_links (id) on delete cascade,
        user_id uuid not null,
        created_at timestamptz not null default now(),
        primary key (link_id, user_id)
      );
      create index share_link_grants_user on api.share_link_grants (user_id);
    `,
  },
  {
    version: 20,
    name: "user-removal sagas",
    up: `
      -- One saga per deleted user (user.deleted starts it, the runner drives it step by step).
      create table api.user_removal_sagas (
        id uuid primary key,
        user_id uuid not null unique,
        email text not null default '',
        -- The user.deleted event that started it.
        event_id uuid not null,
        state text not null check (state in ('running', 'compensating', 'completed', 'failed')),
        -- The step to run next (running), the one that failed (compensating, failed), or 'done'.
        step text not null,
        -- Failed attempts of the current step (or of the compensation).
        attempts integer not null default 0,
        last_error text,
        -- Before this instant the runner leaves the saga alone (retry backoff).
        next_attempt_at timestamptz not null default now(),
        -- What completed steps changed that a compensation can undo, in order.
        undo jsonb not null default '[]',
        -- Every step outcome: [{step, outcome, attempt, error?, at}].
        history jsonb not null default '[]',
        started_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        completed_at timestamptz
      );
      create index user_removal_sagas_due on api.user_removal_sagas (next_attempt_at)
        where state in ('running', 'compensating');
    `,
  },
  {
    version: 21,
    name: "activity read model",
    up: `
      -- Raw activity as consumed (or re-read from the event log by the rebuild), one row per event.
      create table api.activity_events (
        event_id uuid primary key,
        kind text not null check (kind in ('edit', 'ai')),
        workspace_id uuid not null,
        document_id uuid,
        user_id uuid,
        occurred_at timestamptz not null,
        ai_tokens bigint not null default 0,
        rolled_up boolean not null default false
      );
      create index activity_events_pending on api.activity_events (occurred_at) where not rolled_up;
      create index activity_events_day on api.activity_events (workspace_id, occurred_at);
      create index activity_events_document on api.activity_events (document_id, occurred_at) where kind = 'edit';
      -- Per-workspace daily aggregates (UTC days), recomputed by the batch for the days it touches.
      create table api.activity_daily (
        workspace_id uuid not null,
        day date not null,
        documents_edited integer not null,
        edits integer not null,
        active_editors integer not null,
        ai_requests integer not null,
        ai_tokens bigint not null,
        primary key (workspace_id, day)
      );
      create table api.activity_documents (
        document_id uuid primary key,
        workspace_id uuid not null,
        last_edited_by uuid,
        last_edited_at timestamptz not null
      );
      create index activity_documents_workspace on api.activity_documents (workspace_id, last_edited_at desc);
    `,
  },
];
