import type { Queryable } from "@materi/platform";

/**
 * Starts a refresh family (one login) with its first token, in one statement: the family row and
 * the token's hash commit together without a BEGIN/COMMIT round trip each.
 */
export async function insertFamilyWithToken(
  db: Queryable,
  family: { id: string; userId: string; secret: Buffer; ttlS: number; tokenHash: Buffer },
): Promise<void> {
  await db.query(
    `with family as (
       insert into shield.refresh_families (id, user_id, secret, expires_at)
       values ($1, $2, $3, now() + $4::int * interval '1 second') returning id
     )
     insert into shield.refresh_tokens (token_hash, family_id) select $5, id from family`,
    [family.id, family.userId, family.secret, family.ttlS, family.tokenHash],
  );
}

/**
 * What one refresh did: `rotated` (a live token spent, its successor stored), `replayed_in_grace`
 * (already spent within the grace window: the same successor again), `reused` (spent before the
 * window: the family is now revoked), `revoked` or `expired` (nothing changed).
 */
export type RotationOutcome = "rotated" | "replayed_in_grace" | "reused" | "revoked" | "expired";

export interface RotationResult {
  outcome: RotationOutcome;
  user_id: string;
  family_id: string;
  /** The successor token (plaintext, for the client) when rotated or replayed in grace, else null. */
  successor: string | null;
}

// Every step of the refresh grant in one autocommit statement, so one round trip and one commit:
// - cur: the token and its family, row-locked. Of two concurrent refreshes of one token, the second
//   waits here until the first commits, then reads the rows as the first left them (READ COMMITTED
//   re-checks locked rows), so it sees the token spent, moments ago: the grace window.
// - judged: the outcome, by the database clock (now() is the statement's start).
// - successor: HMAC-SHA256 of the presented token with the family's secret (migration 5), as
//   base64url without padding. Derived, never stored in plaintext: a grace-window retry recomputes
//   the same successor, and a database leak (hashes and secrets, no plaintext token) yields none.
// - spend / stored / revoke_family: the writes each outcome implies. The successor's hash is
//   inserted on a grace retry too (on conflict: the first request stored it already).
const ROTATE_SQL = `
  with cur as (
    select t.token_hash, t.family_id, t.spent_at, f.user_id, f.secret, f.expires_at, f.revoked_at
      from shield.refresh_tokens t join shield.refresh_families f on f.id = t.family_id
     where t.token_hash = sha256(convert_to($1, 'UTF8'))
       for update of f, t
  ), judged as (
    select cur.*,
           case
             when revoked_at is not null then 'revoked'
             when expires_at <= now() then 'expired'
             when spent_at is null then 'rotated'
             when spent_at >= now() - $2::int * interval '1 second' then 'replayed_in_grace'
             else 'reused'
           end as outcome
      from cur
  ), successor as (
    select family_id, translate(encode(shield.hmac_sha256(secret, convert_to($1, 'UTF8')), 'base64'), '+/=', '-_') as token
      from judged where outcome in ('rotated', 'replayed_in_grace')
  ), spend as (
    update shield.refresh_tokens t set spent_at = now()
      from judged j where t.token_hash = j.token_hash and j.outcome = 'rotated'
  ), stored as (
    insert into shield.refresh_tokens (token_hash, family_id)
    select sha256(convert_to(token, 'UTF8')), family_id from successor
        on conflict (token_hash) do nothing
  ), revoke_family as (
    update shield.refresh_families f set revoked_at = now()
      from judged j where f.id = j.family_id and j.outcome = 'reused'
  )
  select j.outcome, j.user_id, j.family_id, s.token as successor
    from judged j left join successor s on true`;

/**
 * The refresh grant's rotation (RFC 6749 §6, OAuth 2.0 Security BCP §4.14.2), reuse detection
 * included, in one statement; undefined when no such token exists. The plaintext token goes to the
 * database because the successor is derived from it there; only its SHA-256 is stored.
 */
export async function rotateRefreshToken(db: Queryable, token: string, graceS: number): Promise<RotationResult | undefined> {
  const { rows } = await db.query<RotationResult>(ROTATE_SQL, [token, graceS]);
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
