import type { Migration } from "@materi/platform";
import { eventTablesMigration } from "@materi/events";

/**
 * The api schema (issue 6). Roles are ordered owner > admin > editor > commenter > viewer
 * (src/permissions/roles.ts); a document's effective role for a user is the highest of their
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
];
