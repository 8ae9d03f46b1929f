import { randomBytes, randomUUID } from "node:crypto";
import type { ShieldContext } from "../context.js";
import { oauthProblem } from "../errors.js";
import { insertFamilyWithToken, rotateRefreshToken, type RotationOutcome } from "../store/refreshTokenStore.js";
import { findUserByEmail } from "../store/userStore.js";
import { hashSecretToken } from "../tokens/secretTokenHash.js";
import { issueAccessToken } from "../tokens/accessTokenIssuer.js";
import { verifyPassword } from "./passwordHasher.js";
import { normalizeEmail } from "./passwordPolicy.js";
import { revokeFamilies } from "./tokenRevoker.js";

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
  const refreshToken = randomBytes(32).toString("base64url");
  await insertFamilyWithToken(ctx.db, {
    id: familyId,
    userId: user.id,
    secret: randomBytes(32),
    ttlS: ctx.config.REFRESH_TOKEN_TTL_S,
    tokenHash: hashSecretToken(refreshToken),
  });
  return grant(ctx, user.id, familyId, refreshToken);
}

/** RFC 6749 §5.2 invalid_grant descriptions of the outcomes that grant nothing. */
const REFUSED: Partial<Record<RotationOutcome, string>> = {
  revoked: "The refresh token has been revoked.",
  expired: "The refresh token has expired.",
  reused: "The refresh token was already used; every token of this login has been revoked.",
};

/**
 * grant_type=refresh_token (RFC 6749 §6) with rotation: the presented token is spent and its
 * successor issued. A spent token presented again within the grace window gets the same
 * successor (two tabs refreshing at once); later, it is a replay, and the whole family is revoked
 * (OAuth 2.0 Security BCP §4.14.2). All of it is one SQL statement (rotateRefreshToken): one round
 * trip, one commit, the reuse detection under the same row locks as the rotation.
 */
export async function refreshGranter({ ctx, refreshToken }: { ctx: ShieldContext; refreshToken: string }): Promise<TokenGrant> {
  const rotation = await rotateRefreshToken(ctx.db, refreshToken, ctx.config.REFRESH_REUSE_GRACE_S);
  if (!rotation) throw oauthProblem("invalid_grant", "The refresh token is not valid.");
  if (rotation.outcome === "reused") {
    ctx.logger.warn({ family: rotation.family_id }, "refresh token reused after rotation: family revoked");
    // The family is revoked in PostgreSQL already; its access tokens stop here, not at expiry. If
    // Redis is away they stop at expiry (minutes): the client still hears invalid_grant, not a 503.
    await revokeFamilies(ctx, [rotation.family_id]).catch((err: unknown) => ctx.logger.error({ err, family: rotation.family_id }, "reused family not added to the revocation list"));
  }
  const refused = REFUSED[rotation.outcome];
  if (refused !== undefined || rotation.successor === null) throw oauthProblem("invalid_grant", refused ?? "The refresh token is not valid.");
  return grant(ctx, rotation.user_id, rotation.family_id, rotation.successor);
}

function grant(ctx: ShieldContext, userId: string, familyId: string, refreshToken: string): TokenGrant {
  const access = issueAccessToken(ctx.keys, accessSettings(ctx), { sub: userId, scope: DEFAULT_SCOPE, family: familyId });
  return { access_token: access.token, token_type: "Bearer", expires_in: access.expiresIn, refresh_token: refreshToken, scope: DEFAULT_SCOPE };
}

export function accessSettings(ctx: ShieldContext) {
  return { issuer: ctx.config.JWT_ISSUER, audience: ctx.config.JWT_AUDIENCE, ttlS: ctx.config.ACCESS_TOKEN_TTL_S };
}
