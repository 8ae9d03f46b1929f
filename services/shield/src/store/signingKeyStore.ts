import type { Database, Queryable } from "@materi/platform";
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from "jose";
import { randomUUID } from "node:crypto";

export interface PublicSigningKey {
  kid: string;
  alg: string;
  jwk: JWK;
}

/** Retired keys stay published this long so tokens they signed still verify (access tokens live minutes). */
const RETIRED_KEY_PUBLISH_MS = 24 * 60 * 60 * 1000;

/**
 * Makes sure one active signing key exists. Replicas starting together serialise on a
 * transaction-scoped advisory lock, so exactly one key is created.
 */
export async function ensureActiveSigningKey(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('shield.signing_keys'))");
    const { rows } = await tx.query("select 1 from shield.signing_keys where retired_at is null limit 1");
    if (rows.length > 0) return;
    await insertNewSigningKey(tx);
  });
}

/** A fresh Ed25519 key, unretired, so the newest signer; returns its kid. */
async function insertNewSigningKey(tx: Queryable): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const kid = randomUUID();
  await tx.query(
    "insert into shield.signing_keys (kid, alg, public_jwk, private_jwk) values ($1, 'EdDSA', $2, $3)",
    [kid, await exportJWK(publicKey), await exportJWK(privateKey)],
  );
  return kid;
}

/** The published keys as a JWK Set (RFC 7517 §5), as /.well-known/jwks.json serves them. */
export function toJwks(keys: readonly PublicSigningKey[]): JSONWebKeySet {
  return { keys: keys.map((key) => ({ ...key.jwk, kid: key.kid, alg: key.alg, use: "sig" })) };
}

/** The keys /.well-known/jwks.json publishes: the active one and recently retired ones. */
export async function listPublishedKeys(db: Database): Promise<PublicSigningKey[]> {
  const { rows } = await db.query<{ kid: string; alg: string; public_jwk: JWK }>(
    `select kid, alg, public_jwk from shield.signing_keys
      where retired_at is null or retired_at > now() - ($1::bigint * interval '1 millisecond')
      order by created_at desc`,
    [RETIRED_KEY_PUBLISH_MS],
  );
  return rows.map((row) => ({ kid: row.kid, alg: row.alg, jwk: row.public_jwk }));
}

export interface ActiveSigningKey {
  kid: string;
  alg: string;
  privateJwk: JWK;
}

/** The newest unretired key: the one new tokens are signed with. */
export async function loadActiveSigningKey(db: Database): Promise<ActiveSigningKey | undefined> {
  const { rows } = await db.query<{ kid: string; alg: string; private_jwk: JWK }>(
    "select kid, alg, private_jwk from shield.signing_keys where retired_at is null order by created_at desc limit 1",
  );
  const row = rows[0];
  return row && { kid: row.kid, alg: row.alg, privateJwk: row.private_jwk };
}

/**
 * Key rotation without logging anyone out: a new key becomes the signer and every older one is
 * retired, which keeps it in the JWKS (RETIRED_KEY_PUBLISH_MS) while the tokens it signed expire.
 * Returns the new kid.
 */
export async function rotateSigningKey(db: Database): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('shield.signing_keys'))");
    await tx.query("update shield.signing_keys set retired_at = now() where retired_at is null");
    return insertNewSigningKey(tx);
  });
}
