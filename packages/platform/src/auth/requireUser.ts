import type { FastifyRequest } from "fastify";
import { platformProblem } from "../http-errors/platformProblem.js";
import { bearerChallenge, type AccessTokenClaims, type AccessTokenVerifier } from "./accessTokenVerifier.js";

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^bearer +(\S+)\s*$/i.exec(header);
  return match?.[1];
}

const principals = new WeakMap<FastifyRequest, AccessTokenClaims>();

/**
 * The verified principal of a request, or a 401 problem with `WWW-Authenticate: Bearer`.
 * The result is remembered per request, so a preHandler and the handler verify only once.
 */
export async function requireUser(request: FastifyRequest, verify: AccessTokenVerifier): Promise<AccessTokenClaims> {
  const known = principals.get(request);
  if (known) return known;
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) {
    throw platformProblem("PLATFORM_ERR_UNAUTHENTICATED", "This endpoint needs an Authorization: Bearer access token.", {
      headers: bearerChallenge(),
    });
  }
  const claims = await verify(token);
  principals.set(request, claims);
  return claims;
}

/** A Fastify preHandler that refuses requests without a valid access token (see requireUser). */
export function userPreHandler(verify: AccessTokenVerifier): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    await requireUser(request, verify);
  };
}

/** The principal a preHandler verified; throws when the route has no user preHandler (a wiring bug). */
export function principalOf(request: FastifyRequest): AccessTokenClaims {
  const claims = principals.get(request);
  if (!claims) throw new Error(`no verified principal on ${request.method} ${request.url}: register userPreHandler first`);
  return claims;
}
