import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { platformProblem, type ProblemError } from "@materi/platform";
import type { VerifiedToken } from "../auth/TokenCache.js";
import { bearerToken, type Verification } from "../auth/tokenVerifier.js";
import { bearerChallenge, gatewayProblem } from "../errors.js";
import type { ClientIpResolver } from "../network/clientIp.js";
import type { RateDecision, RateLimiter } from "../rateLimit/createRateLimiter.js";

export interface AdmissionOptions {
  resolveClientIp: ClientIpResolver;
  verifyToken: (token: string) => Verification | Promise<Verification>;
  rateLimit: RateLimiter;
}

/** One request as the edge checks it. */
export interface AdmissionRequest {
  headers: IncomingHttpHeaders;
  /** The socket peer's address. */
  peer: string | undefined;
  /** Whether the route needs an access token (routed, and not in publicRoutes.ts). */
  needsToken: boolean;
}

/** Who is asking and whether they may: the outcome of the edge's checks for one request. */
export interface Admission {
  clientIp: string;
  /** The verified access token's subject, when the request carried a valid one. */
  principal: VerifiedToken | null;
  rate: RateDecision;
  /** Set when the request must be refused (429, then 401), else undefined. */
  problem: ProblemError | undefined;
}

export type Admit = (request: AdmissionRequest) => Admission | Promise<Admission>;

/**
 * The edge's checks, in order, for both ways a request comes in (Fastify's onRequest hook and the
 * proxy fast path): who is the client (address), who is the user (token, verified locally),
 * may they make one more request (rate limit, keyed by user else address), and, on a route that
 * needs it, is the token there and valid. Both checks answer from memory on the hot path, so the
 * result is a plain value then; a promise only when the token or the count needs I/O.
 */
export function createAdmission(options: AdmissionOptions): Admit {
  const decide = (request: AdmissionRequest, clientIp: string, verification: Verification | undefined): Admission | Promise<Admission> => {
    const principal = verification?.ok === true ? verification.token : null;
    const counted = options.rateLimit.consume(principal === null ? `ip:${clientIp}` : `user:${principal.sub}`);
    if (counted instanceof Promise) return counted.then((rate) => admission(request, clientIp, verification, principal, rate));
    return admission(request, clientIp, verification, principal, counted);
  };
  return (request) => {
    const clientIp = options.resolveClientIp(request.peer, request.headers);
    const token = bearerToken(request.headers.authorization);
    const verification = token === undefined ? undefined : options.verifyToken(token);
    if (verification instanceof Promise) return verification.then((verified) => decide(request, clientIp, verified));
    return decide(request, clientIp, verification);
  };
}

function admission(
  request: AdmissionRequest,
  clientIp: string,
  verification: Verification | undefined,
  principal: VerifiedToken | null,
  rate: RateDecision,
): Admission {
  return { clientIp, principal, rate, problem: refusal(request, verification, rate) };
}

function refusal(request: AdmissionRequest, verification: Verification | undefined, rate: RateDecision): ProblemError | undefined {
  if (!rate.allowed) {
    return platformProblem("PLATFORM_ERR_RATE_LIMITED", `Too many requests: the limit is ${rate.limit} per window; retry in ${rate.resetS} s.`, {
      headers: { "Retry-After": String(rate.resetS) },
      extensions: { limit: rate.limit, retry_after_s: rate.resetS },
    });
  }
  if (!request.needsToken) return undefined;
  if (verification === undefined) {
    const detail = "This endpoint needs an access token: send Authorization: Bearer <token>.";
    return gatewayProblem("GW_ERR_TOKEN_MISSING", detail, { headers: bearerChallenge("missing bearer token") });
  }
  return verification.ok ? undefined : verification.problem;
}

/** The RateLimit-* response fields of a decision (draft-ietf-httpapi-ratelimit-headers). */
export function rateLimitHeaders(rate: RateDecision): OutgoingHttpHeaders {
  return { "ratelimit-limit": rate.limit, "ratelimit-remaining": rate.remaining, "ratelimit-reset": rate.resetS };
}
