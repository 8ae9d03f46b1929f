import { createAccessTokenVerifier, invalidTokenProblem, platformProblem, type AccessTokenVerifier } from "@materi/platform";
import type { RevocationList } from "./RevocationList.js";
import type { SigningKeyRing } from "./SigningKeyRing.js";

/**
 * Shield's own check of access tokens: the platform verifier over the in-memory key ring, then
 * the revocation list (logout and refresh-reuse take effect before the token expires).
 */
export function createShieldVerifier(options: { keys: SigningKeyRing; revocations: RevocationList; issuer: string; audience: string }): AccessTokenVerifier {
  const verifySignature = createAccessTokenVerifier({
    keys: { getKey: options.keys.getKey },
    issuer: options.issuer,
    audience: options.audience,
  });
  return async (token) => {
    const claims = await verifySignature(token);
    let revoked: boolean;
    try {
      revoked = await options.revocations.isRevoked(claims);
    } catch (err) {
      // Fail closed: a token that might be revoked is not vouched for; callers retry shortly.
      throw platformProblem("PLATFORM_ERR_UPSTREAM_UNAVAILABLE", "Token revocation cannot be checked right now.", {
        cause: err,
        headers: { "Retry-After": "5" },
      });
    }
    if (revoked) throw invalidTokenProblem("The access token has been revoked.");
    return claims;
  };
}
