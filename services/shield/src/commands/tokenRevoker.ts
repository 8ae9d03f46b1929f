import type { AccessTokenClaims } from "@materi/platform";
import type { ShieldContext } from "../context.js";
import { familyOfToken, revokeFamily } from "../store/refreshTokenStore.js";
import { familyEntry, jtiEntry } from "../tokens/RevocationList.js";
import { hashSecretToken } from "../tokens/secretTokenHash.js";

/**
 * RFC 7009: revokes a refresh token (its whole family) or an access token (its jti). Unknown or
 * invalid tokens are not an error (§2.2: the client cannot do anything about them).
 */
export async function tokenRevoker({ ctx, token }: { ctx: ShieldContext; token: string }): Promise<void> {
  const refresh = await familyOfToken(ctx.db, hashSecretToken(token));
  if (refresh) {
    await familyRevoker({ ctx, familyId: refresh.family_id });
    return;
  }
  const claims = await ctx.verify(token).catch(() => undefined);
  if (claims) await ctx.revocations.revoke(jtiEntry(claims.jti), remainingS(claims));
}

/** Logout: the caller's refresh family and the access token presented. */
export async function logoutPerformer({ ctx, claims }: { ctx: ShieldContext; claims: AccessTokenClaims }): Promise<void> {
  if (claims.fam) await familyRevoker({ ctx, familyId: claims.fam });
  await ctx.revocations.revoke(jtiEntry(claims.jti), remainingS(claims));
}

/** Revokes a family in PostgreSQL and, for the access tokens it minted, in the revocation list. */
export async function familyRevoker({ ctx, familyId }: { ctx: ShieldContext; familyId: string }): Promise<void> {
  await ctx.db.transaction((tx) => revokeFamily(tx, familyId));
  await revokeFamilies(ctx, [familyId]);
}

/**
 * Puts families already revoked in PostgreSQL on the revocation list, so the access tokens they
 * minted stop now; those live at most ACCESS_TOKEN_TTL_S more, so the entries need no longer.
 */
export async function revokeFamilies(ctx: Pick<ShieldContext, "config" | "revocations">, families: readonly string[]): Promise<void> {
  for (const family of families) await ctx.revocations.revoke(familyEntry(family), ctx.config.ACCESS_TOKEN_TTL_S + 60);
}

function remainingS(claims: AccessTokenClaims): number {
  return Math.max(1, claims.exp - Math.floor(Date.now() / 1000) + 60);
}
