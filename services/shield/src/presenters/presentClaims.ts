import type { AccessTokenClaims } from "@materi/platform";

/** Verified claims as /internal/validate returns them. */
export function presentClaims(claims: AccessTokenClaims): Record<string, unknown> {
  return { active: true, ...claims.raw, sub: claims.sub, scope: claims.scope, jti: claims.jti, exp: claims.exp, iat: claims.iat };
}
