import { errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { ProblemError } from "@materi/platform";
import { bearerChallenge, gatewayProblem } from "../errors.js";
import { JwksUnavailableError } from "./keySource.js";
import { TokenCache, type VerifiedToken } from "./TokenCache.js";

export interface TokenVerifierOptions {
  /** Resolves the signing key of a token (see createKeySource). */
  keys: JWTVerifyGetKey;
  /** Required `iss`. */
  issuer: string;
  /** Required `aud`. */
  audience: string;
  /** Verified tokens remembered; 0 disables the cache. */
  cacheSize: number;
}

/** A token's verification outcome: who it belongs to, or the problem to answer with. */
export type Verification = { ok: true; token: VerifiedToken } | { ok: false; problem: ProblemError };

/** Asymmetric algorithms only: an HS256 token "signed" with our public key must never verify. */
const ALGORITHMS = ["EdDSA", "ES256"];
/** Seconds of clock skew allowed between shield and this gateway. */
const CLOCK_TOLERANCE_S = 5;

/**
 * Verifies access tokens locally (RFC 9068 `typ: at+jwt`) and remembers the good ones until
 * they expire, so a client sending the same token again costs one Map lookup.
 */
export function createTokenVerifier(options: TokenVerifierOptions): (token: string) => Verification | Promise<Verification> {
  const cache = new TokenCache(options.cacheSize);
  const verifyOptions = {
    algorithms: ALGORITHMS,
    issuer: options.issuer,
    audience: options.audience,
    typ: "at+jwt",
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ["sub", "exp"],
  };
  const verify = async (token: string): Promise<Verification> => {
    try {
      const { payload } = await jwtVerify(token, options.keys, verifyOptions);
      const verified: VerifiedToken = { sub: String(payload.sub), expiresAtMs: (payload.exp ?? 0) * 1000 };
      cache.set(token, verified);
      return { ok: true, token: verified };
    } catch (err) {
      return { ok: false, problem: toProblem(err) };
    }
  };
  // A cache hit answers synchronously: no promise, no microtask on the hot path.
  return (token) => {
    const cached = cache.get(token, Date.now());
    return cached === undefined ? verify(token) : { ok: true, token: cached };
  };
}

function toProblem(err: unknown): ProblemError {
  if (err instanceof JwksUnavailableError) {
    return gatewayProblem("GW_ERR_JWKS_UNAVAILABLE", "Access tokens cannot be checked right now: the signing keys are unreachable.", {
      cause: err,
      headers: { "Retry-After": "5" },
    });
  }
  if (err instanceof errors.JOSEError) {
    const detail = err instanceof errors.JWTExpired ? "The access token has expired." : "The access token is not valid.";
    return gatewayProblem("GW_ERR_TOKEN_INVALID", detail, { headers: bearerChallenge(detail) });
  }
  throw err;
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length < 8) return undefined;
  if (header.charCodeAt(6) !== 32 || header.slice(0, 6).toLowerCase() !== "bearer") return undefined;
  const token = header.slice(7).trim();
  return token.length > 0 ? token : undefined;
}
