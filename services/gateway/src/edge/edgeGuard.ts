import { isInternalPath, platformProblem } from "@materi/platform";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { isPublicRoute, pathOf } from "../auth/publicRoutes.js";
import type { VerifiedToken } from "../auth/TokenCache.js";
import { bearerToken, type Verification } from "../auth/tokenVerifier.js";
import { bearerChallenge, gatewayProblem } from "../errors.js";
import type { AddressSet } from "../network/cidr.js";
import type { ClientIpResolver } from "../network/clientIp.js";
import type { RateDecision, RateLimiter } from "../rateLimit/createRateLimiter.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The client's address as the trusted-proxy rules resolve it (network/clientIp.ts). */
    clientIp: string;
    /** The verified access token's subject, when the request carried a valid one. */
    principal: VerifiedToken | null;
  }
}

export interface EdgeGuardOptions {
  resolveClientIp: ClientIpResolver;
  verifyToken: (token: string) => Verification | Promise<Verification>;
  rateLimit: RateLimiter;
  /** Addresses allowed to read /metrics. */
  metricsAllow: AddressSet;
  /** Whether some upstream answers this path; an unknown API path is a 404 without a token. */
  isRouted: (path: string) => boolean;
}

/** Probes and scrapes: never counted against a client's limit, never asked for a token. */
const OPERATIONAL_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * Every request at the edge, in order: who is the client (address), who is the user (token,
 * verified locally), may they make one more request (rate limit, keyed by user else address,
 * reported in RateLimit-* headers), and does this route need a token at all (publicRoutes.ts).
 */
export const edgeGuard: FastifyPluginAsync<EdgeGuardOptions> = async (app, options) => {
  app.decorateRequest("clientIp", "");
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request, reply) => {
    request.clientIp = options.resolveClientIp(request.socket.remoteAddress, request.headers);
    const path = pathOf(request.url);
    if (OPERATIONAL_PATHS.has(path)) return checkOperational(path, request, options.metricsAllow);
    const token = bearerToken(request.headers.authorization);
    // Both checks answer from memory on the hot path; await only what really is a promise.
    const pending = token === undefined ? undefined : options.verifyToken(token);
    const verification = pending instanceof Promise ? await pending : pending;
    if (verification?.ok === true) request.principal = verification.token;
    const key = request.principal === null ? `ip:${request.clientIp}` : `user:${request.principal.sub}`;
    const counted = options.rateLimit.consume(key);
    applyRateLimit(reply, counted instanceof Promise ? await counted : counted);
    // An unknown path is a 404 for everyone: asking for a token first would send a client
    // after credentials for a route that does not exist.
    if (request.is404 || !options.isRouted(path) || isPublicRoute(request.method, path)) return;
    if (verification === undefined) {
      const detail = "This endpoint needs an access token: send Authorization: Bearer <token>.";
      throw gatewayProblem("GW_ERR_TOKEN_MISSING", detail, { headers: bearerChallenge("missing bearer token") });
    }
    if (!verification.ok) throw verification.problem;
  });
};
// Like fastify-plugin's skip-override: the hook must guard the whole app, not only this plugin's children.
Object.assign(edgeGuard, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "edgeGuard",
});

/**
 * Hooks that must run before everything else, including the platform's service-key guard:
 * - /internal/* does not exist at the edge: a 404 like any unknown path, with or without a
 *   service key (the guard would otherwise answer 401 and reveal that the prefix means something);
 * - every response names its request id, so a user can quote it in a bug report.
 */
export function installEdgeBasics(app: FastifyInstance): void {
  app.addHook("onRequest", (request, reply, done) => {
    void reply.header("x-request-id", request.id);
    if (isInternalPath(request.url)) {
      const path = request.url.split("?", 1)[0];
      done(platformProblem("PLATFORM_ERR_NOT_FOUND", `No route matches ${request.method} ${path}.`));
      return;
    }
    done();
  });
}

function checkOperational(path: string, request: FastifyRequest, metricsAllow: AddressSet): void {
  if (path === "/metrics" && !metricsAllow.has(request.clientIp)) {
    throw gatewayProblem("GW_ERR_METRICS_FORBIDDEN", "Metrics are readable only from the addresses in METRICS_ALLOW.");
  }
}

function applyRateLimit(reply: FastifyReply, decision: RateDecision): void {
  void reply.header("ratelimit-limit", decision.limit);
  void reply.header("ratelimit-remaining", decision.remaining);
  void reply.header("ratelimit-reset", decision.resetS);
  if (decision.allowed) return;
  throw platformProblem("PLATFORM_ERR_RATE_LIMITED", `Too many requests: the limit is ${decision.limit} per window; retry in ${decision.resetS} s.`, {
    headers: { "Retry-After": String(decision.resetS) },
    extensions: { limit: decision.limit, retry_after_s: decision.resetS },
  });
}
