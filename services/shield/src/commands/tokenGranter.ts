import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { ShieldContext } from "../context.js";
import { oauthProblem } from "../errors.js";
import { insertFamily, insertToken, spendToken } from "../store/refreshTokenStore.js";
import { findUserByEmail } from "../store/userStore.js";
import { hashRefreshToken } from "../tokens/refreshTokenHash.js";
import { issueAccessToken } from "../tokens/accessTokenIssuer.js";
import { verifyPassword } from "./passwordHasher.js";
import { normalizeEmail } from "./passwordPolicy.js";
import { familyRevoker } from "./tokenRevoker.js";

/** RFC 6749 §5.1 successful token response. */
export interface TokenGrant {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** Default scope of a first-party login; finer scopes come with OAuth clients (later issue). */
const DEFAULT_SCOPE = "openid profile";


/** grant_type=password (RFC 6749 §4.3): throttled, constant-time for unknown accounts. */
export async function passwordGranter({ ctx, username, password, ip }: { ctx: ShieldContext; username: string; password: string; ip: string }): Promise<TokenGrant> {
  const email = normalizeEmail(username);
  await ctx.throttle.beforeAttempt(ip, email);
  const user = await findUserByEmail(ctx.db, email);
  if (!(await verifyPassword(user?.password_hash, password)) || !user) {
    await ctx.throttle.onFailure(email);
    throw oauthProblem("invalid_grant", "The email or password is wrong.");
  }
  await ctx.throttle.onSuccess(email);
  const familyId = randomUUID();
  const secret = randomBytes(32);
  const refreshToken = randomBytes(32).toString("base64url");
  await ctx.db.transaction(async (tx) => {
    await insertFamily(tx, { id: familyId, userId: user.id, secret, ttlS: ctx.config.REFRESH_TOKEN_TTL_S });
    await insertToken(tx, hashRefreshToken(refreshToken), familyId);
  });
  return grant(ctx, user.id, familyId, refreshToken);
}

/**
 * grant_type=refresh_token (RFC 6749 §6) with rotation: the presented token is spent and its
 * successor issued. A spent token presented again within the grace window gets the same
 * successor (two tabs refreshing at once); later, it is a replay, and the whole family is revoked
 * (OAuth 2.0 Security BCP §4.14.2). One transaction: spend under row locks, insert the successor.
 */
export async function refreshGranter({ ctx, refreshToken }: { ctx: ShieldContext; refreshToken: string }): Promise<TokenGrant> {
  const outcome = await ctx.db.transaction(async (tx): Promise<{ userId: string; familyId: string; successor: string } | { reuse: string } | { invalid: string }> => {
    const row = await spendToken(tx, hashRefreshToken(refreshToken));
    if (!row) return { invalid: "The refresh token is not valid." };
    if (row.revoked_at) return { invalid: "The refresh token has been revoked." };
    if (row.expires_at.getTime() <= Date.now()) return { invalid: "The refresh token has expired." };
    const inGrace = !row.spent_now && (row.spent_age_s ?? Infinity) <= ctx.config.REFRESH_REUSE_GRACE_S;
    if (!row.spent_now && !inGrace) return { reuse: row.family_id };
    // Derived, not stored: a grace-window retry recomputes the same successor.
    const successor = createHmac("sha256", row.secret).update(refreshToken).digest("base64url");
    await insertToken(tx, hashRefreshToken(successor), row.family_id);
    return { userId: row.user_id, familyId: row.family_id, successor };
  });
  if ("invalid" in outcome) throw oauthProblem("invalid_grant", outcome.invalid);
  if ("reuse" in outcome) {
    await familyRevoker({ ctx, familyId: outcome.reuse });
    ctx.logger.warn({ family: outcome.reuse }, "refresh token reused after rotation: family revoked");
    throw oauthProblem("invalid_grant", "The refresh token was already used; every token of this login has been revoked.");
  }
  return grant(ctx, outcome.userId, outcome.familyId, outcome.successor);
}

async function grant(ctx: ShieldContext, userId: string, familyId: string, refreshToken: string): Promise<TokenGrant> {
  const access = await issueAccessToken(ctx.keys, accessSettings(ctx), { sub: userId, scope: DEFAULT_SCOPE, family: familyId });
  return { access_token: access.token, token_type: "Bearer", expires_in: access.expiresIn, refresh_token: refreshToken, scope: DEFAULT_SCOPE };
}

export function accessSettings(ctx: ShieldContext) {
  return { issuer: ctx.config.JWT_ISSUER, audience: ctx.config.JWT_AUDIENCE, ttlS: ctx.config.ACCESS_TOKEN_TTL_S };
}
