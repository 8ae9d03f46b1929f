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
];
