import type { Queryable } from "@materi/platform";

/** A refresh token joined with its family, as the refresh grant needs it. */
export interface RefreshTokenRow {
  token_hash: Buffer;
  family_id: string;
  spent_at: Date | null;
  user_id: string;
  secret: Buffer;
  expires_at: Date;
  revoked_at: Date | null;
  /** Seconds since the token was spent, computed by the database clock. */
  spent_age_s: number | null;
}

export async function insertFamily(tx: Queryable, family: { id: string; userId: string; secret: Buffer; ttlS: number }): Promise<Date> {
  const { rows } = await tx.query<{ expires_at: Date }>(
    `insert into shield.refresh_families (id, user_id, secret, expires_at)
     values ($1, $2, $3, now() + $4::int * interval '1 second') returning expires_at`,
    [family.id, family.userId, family.secret, family.ttlS],
  );
  return rows[0]!.expires_at;
}

export async function insertToken(tx: Queryable, tokenHash: Buffer, familyId: string): Promise<void> {
  await tx.query("insert into shield.refresh_tokens (token_hash, family_id) values ($1, $2) on conflict do nothing", [tokenHash, familyId]);
}

/**
 * Spends a live token in one statement (no BEGIN/COMMIT round trips on the hot path): the token
 * and its family are row-locked, so of two concurrent refreshes one spends it and the other, once
 * the lock is released, sees it spent (READ COMMITTED re-reads locked rows). `spent_now` says
 * whether this call spent it; the row is returned in every case, as it was before this call.
 */
export async function spendToken(db: Queryable, tokenHash: Buffer): Promise<(RefreshTokenRow & { spent_now: boolean }) | undefined> {
  const { rows } = await db.query<RefreshTokenRow & { spent_now: boolean }>(
    `with cur as (
       select t.token_hash, t.family_id, t.spent_at, f.user_id, f.secret, f.expires_at, f.revoked_at
         from shield.refresh_tokens t join shield.refresh_families f on f.id = t.family_id
        where t.token_hash = $1
          for update of f, t
     ), spend as (
       update shield.refresh_tokens r set spent_at = now() from cur
        where r.token_hash = cur.token_hash and cur.spent_at is null and cur.revoked_at is null and cur.expires_at > now()
        returning r.token_hash
     )
     select cur.*, extract(epoch from now() - cur.spent_at)::float8 as spent_age_s,
            exists (select 1 from spend) as spent_now
       from cur`,
    [tokenHash],
  );
  return rows[0];
}

/** Revokes one family; returns its expiry (for the revocation list's TTL) when it was live. */
export async function revokeFamily(tx: Queryable, familyId: string): Promise<Date | undefined> {
  const { rows } = await tx.query<{ expires_at: Date }>(
    "update shield.refresh_families set revoked_at = now() where id = $1 and revoked_at is null returning expires_at",
    [familyId],
  );
  return rows[0]?.expires_at;
}

/** Revokes every live family of a user except `keep`; returns the revoked ids. */
export async function revokeUserFamilies(tx: Queryable, userId: string, keep?: string): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `update shield.refresh_families set revoked_at = now()
      where user_id = $1 and revoked_at is null and ($2::uuid is null or id <> $2::uuid) returning id`,
    [userId, keep ?? null],
  );
  return rows.map((row) => row.id);
}

/** The family of a token (spent or not), for RFC 7009 revocation. */
export async function familyOfToken(db: Queryable, tokenHash: Buffer): Promise<{ family_id: string; user_id: string } | undefined> {
  const { rows } = await db.query<{ family_id: string; user_id: string }>(
    `select t.family_id, f.user_id from shield.refresh_tokens t join shield.refresh_families f on f.id = t.family_id
      where t.token_hash = $1`,
    [tokenHash],
  );
  return rows[0];
}
