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
  {
    version: 5,
    name: "refresh successors derived in SQL",
    // HMAC-SHA256 (RFC 2104) over the built-in sha256(), so the refresh grant derives a family's
    // successor token inside its single rotation statement (refreshTokenStore.rotateRefreshToken)
    // instead of reading the family secret first. plpgsql and sha256() exist everywhere Shield runs
    // (PostgreSQL 11+, PGlite); pgcrypto does not. Same bytes as node:crypto's createHmac("sha256").
    up: `
      create function shield.hmac_sha256(key bytea, message bytea) returns bytea
      language plpgsql immutable strict parallel safe as $fn$
      declare
        k bytea := key;
        inner_key bytea;
        outer_key bytea;
      begin
        if length(k) > 64 then k := sha256(k); end if;
        k := k || decode(repeat('00', 64 - length(k)), 'hex');
        inner_key := k;
        outer_key := k;
        for i in 0..63 loop
          inner_key := set_byte(inner_key, i, get_byte(k, i) # 54);
          outer_key := set_byte(outer_key, i, get_byte(k, i) # 92);
        end loop;
        return sha256(outer_key || sha256(inner_key || message));
      end
      $fn$;
    `,
  },
];
