import type { Migration } from "@materi/platform";
import { eventTablesMigration } from "@materi/events";

export const shieldMigrations: Migration[] = [
  eventTablesMigration("shield", 1),
  {
    version: 2,
    name: "signing keys",
    up: `
      create table shield.signing_keys (
        kid text primary key,
        alg text not null,
        public_jwk jsonb not null,
        private_jwk jsonb not null,
        created_at timestamptz not null default now(),
        retired_at timestamptz
      );
    `,
  },
  {
    version: 3,
    name: "users and refresh tokens",
    // A refresh family is one login; its tokens rotate inside it. The family's secret derives each
    // successor (HMAC of the presented token), so a grace-window retry gets the same successor
    // without any plaintext token being stored.
    up: `
      create table shield.users (
        id uuid primary key,
        email text not null unique,
        name text not null,
        password_hash text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create table shield.refresh_families (
        id uuid primary key,
        user_id uuid not null references shield.users (id) on delete cascade,
        secret bytea not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz
      );
      create index refresh_families_user on shield.refresh_families (user_id) where revoked_at is null;
      create table shield.refresh_tokens (
        token_hash bytea primary key,
        family_id uuid not null references shield.refresh_families (id) on delete cascade,
        created_at timestamptz not null default now(),
        spent_at timestamptz
      );
    `,
  },
  {
    version: 4,
    name: "co-membership projection and password resets",
    // workspace_members is Shield's projection of the documents stream's workspace.member_* events:
    // who shares a workspace with whom, for GET /api/v1/users/{id}. The api service owns the truth.
    up: `
      create table shield.workspace_members (
        workspace_id text not null,
        user_id text not null,
        primary key (workspace_id, user_id)
      );
      create index workspace_members_user on shield.workspace_members (user_id);
      create table shield.password_resets (
        token_hash bytea primary key,
        user_id uuid not null references shield.users (id) on delete cascade,
        expires_at timestamptz not null,
        used_at timestamptz
      );
    `,
  },
];
