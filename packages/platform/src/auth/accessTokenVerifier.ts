import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { platformProblem } from "../http-errors/platformProblem.js";
import type { ProblemError } from "../http-errors/ProblemError.js";

/** The verified claims of an access token (RFC 9068). */
export interface AccessTokenClaims {
  /** The user (or, later, the client) the token was issued to. */
  sub: string;
  /** Space-separated scopes; "" when the token carries none. */
  scope: string;
  /** Unique token id, the key of the revocation list. */
  jti: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** Issued at, in seconds since the epoch. */
  iat: number;
  /** The refresh family the token was minted from, when there is one (revocation by family). */
  fam?: string;
  /** The token's `kid` header. */
  kid?: string;
  /** Every claim, for callers that need more. */
  raw: JWTPayload;
}

/** Where the verifier finds public keys: a fixed set, a JWKS URL, or any jose key resolver. */
export type KeySetSource = { jwks: JSONWebKeySet } | { url: string } | { getKey: JWTVerifyGetKey };

export interface AccessTokenVerifierOptions {
  keys: KeySetSource;
  /** Required `iss`. */
  issuer: string;
  /** Required `aud`. */
  audience: string;
  /** Seconds of clock skew allowed between the signer and this process. Default 5. */
  clockToleranceS?: number;
  /**
   * Verified tokens remembered until their `exp`, so a token seen again costs one Map lookup
   * instead of a signature check; 0 disables. Default 10000 (oldest dropped first).
   */
  cacheSize?: number;
  /** Remote JWKS only: least time between refetches caused by an unknown `kid`, in ms. Default 30000. */
  cooldownMs?: number;
}

/** Verifies an access token; rejects with a 401 ProblemError carrying a Bearer challenge. */
export type AccessTokenVerifier = (token: string) => Promise<AccessTokenClaims>;

/** Asymmetric algorithms only: an HS256 token "signed" with our public key must never verify. */
export const ACCESS_TOKEN_ALGORITHMS = ["EdDSA", "ES256"] as const;
export const ACCESS_TOKEN_TYP = "at+jwt";

/** The jose key resolver for a source; a remote set refetches when an unknown `kid` arrives. */
export function keyResolverOf(source: KeySetSource, cooldownMs = 30_000): JWTVerifyGetKey {
  if ("getKey" in source) return source.getKey;
  if ("jwks" in source) return createLocalJWKSet(source.jwks);
  return createRemoteJWKSet(new URL(source.url), { cooldownDuration: cooldownMs, timeoutDuration: 5_000 });
}

/**
 * The access-token check every service runs locally (ARCHITECTURE.md, Security): allowlisted
 * algorithms, issuer, audience, `typ: at+jwt` (RFC 9068 §4) and the claims Shield always sets.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const getKey = keyResolverOf(options.keys, options.cooldownMs);
  const verifyOptions = {
    algorithms: [...ACCESS_TOKEN_ALGORITHMS],
    issuer: options.issuer,
    audience: options.audience,
    typ: ACCESS_TOKEN_TYP,
    clockTolerance: options.clockToleranceS ?? 5,
    requiredClaims: ["sub", "exp", "iat", "jti"],
  };
  const cache = new Map<string, AccessTokenClaims>();
  const cacheSize = options.cacheSize ?? 10_000;
  return async (token) => {
    const cached = cache.get(token);
    if (cached !== undefined && cached.exp * 1000 > Date.now()) return cached;
    try {
      const { payload, protectedHeader } = await jwtVerify(token, getKey, verifyOptions);
      const claims = toClaims(payload, protectedHeader.kid);
      if (cacheSize > 0) remember(cache, cacheSize, token, claims);
      return claims;
    } catch (err) {
      throw toInvalidTokenProblem(err);
    }
  };
}

function remember(cache: Map<string, AccessTokenClaims>, size: number, token: string, claims: AccessTokenClaims): void {
  // A Map iterates in insertion order: the first key is the oldest entry.
  if (cache.size >= size) cache.delete(cache.keys().next().value!);
  cache.set(token, claims);
}

function toClaims(payload: JWTPayload, kid: string | undefined): AccessTokenClaims {
  const claims: AccessTokenClaims = {
    sub: String(payload.sub),
    scope: typeof payload["scope"] === "string" ? payload["scope"] : "",
    jti: String(payload.jti),
    exp: Number(payload.exp),
    iat: Number(payload.iat),
    raw: payload,
  };
  if (typeof payload["fam"] === "string") claims.fam = payload["fam"];
  if (kid !== undefined) claims.kid = kid;
  return claims;
}

/** RFC 6750 §3: a 401 at a bearer-protected resource says which scheme and what went wrong. */
export function bearerChallenge(description?: string): Record<string, string> {
  if (description === undefined) return { "WWW-Authenticate": 'Bearer realm="materi"' };
  const safe = description.replace(/["\\]/g, "'");
  return { "WWW-Authenticate": `Bearer realm="materi", error="invalid_token", error_description="${safe}"` };
}

/** A 401 problem for a token that failed verification, or that was revoked. */
export function invalidTokenProblem(detail: string, cause?: unknown): ProblemError {
  return platformProblem("PLATFORM_ERR_UNAUTHENTICATED", detail, { headers: bearerChallenge(detail), cause });
}

function toInvalidTokenProblem(err: unknown): ProblemError {
  if (err instanceof errors.JWTExpired) return invalidTokenProblem("The access token has expired.", err);
  if (err instanceof errors.JOSEError) return invalidTokenProblem("The access token is not valid.", err);
  if (err instanceof TypeError) return invalidTokenProblem("The access token is not valid.", err);
  throw err;
}
