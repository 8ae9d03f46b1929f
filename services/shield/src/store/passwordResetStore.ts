import type { Queryable } from "@materi/platform";

export async function insertPasswordReset(tx: Queryable, reset: { tokenHash: Buffer; userId: string; ttlS: number }): Promise<void> {
  await tx.query(
    "insert into shield.password_resets (token_hash, user_id, expires_at) values ($1, $2, now() + $3::int * interval '1 second')",
    [reset.tokenHash, reset.userId, reset.ttlS],
  );
}

/**
 * Marks an unused, unexpired reset token used and returns its user; undefined otherwise. One
 * UPDATE, so two concurrent confirmations cannot both succeed (single use).
 */
export async function consumePasswordReset(tx: Queryable, tokenHash: Buffer): Promise<string | undefined> {
  const { rows } = await tx.query<{ user_id: string }>(
    `update shield.password_resets set used_at = now()
      where token_hash = $1 and used_at is null and expires_at > now() returning user_id`,
    [tokenHash],
  );
  return rows[0]?.user_id;
}

/** The user of a usable (unused, unexpired) reset token, without spending it. */
export async function findUsablePasswordReset(db: Queryable, tokenHash: Buffer): Promise<string | undefined> {
  const { rows } = await db.query<{ user_id: string }>(
    "select user_id from shield.password_resets where token_hash = $1 and used_at is null and expires_at > now()",
    [tokenHash],
  );
  return rows[0]?.user_id;
}
