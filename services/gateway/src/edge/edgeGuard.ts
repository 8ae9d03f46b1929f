import { isInternalPath, platformProblem } from "@materi/platform";
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import { isPublicRoute, pathOf } from "../auth/publicRoutes.js";
import type { VerifiedToken } from "../auth/TokenCache.js";
import { gatewayProblem } from "../errors.js";
import type { AddressSet } from "../network/cidr.js";
import type { ClientIpResolver } from "../network/clientIp.js";
import { rateLimitHeaders, type Admit } from "./admission.js";

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
  /** The edge's checks (edge/admission.ts), shared with the proxy fast path. */
  admit: Admit;
  /** Addresses allowed to read /metrics. */
  metricsAllow: AddressSet;
  /** Whether some upstream answers this path; an unknown API path is a 404 without a token. */
  isRouted: (path: string) => boolean;
}

/** Probes and scrapes: never counted against a client's limit, never asked for a token. */
const OPERATIONAL_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * Runs the edge's checks (edge/admission.ts) on every request Fastify handles: proxied API
 * requests when the fast path defers to Fastify (edge/fastPath.ts), canvas files, 404s. The
 * outcome is reported in RateLimit-* headers and, when refused, thrown as a problem.
 */
export const edgeGuard: FastifyPluginAsync<EdgeGuardOptions> = async (app, options) => {
  app.decorateRequest("clientIp", "");
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request, reply) => {
    const path = pathOf(request.url);
    if (OPERATIONAL_PATHS.has(path)) {
      request.clientIp = options.resolveClientIp(request.socket.remoteAddress, request.headers);
      return checkOperational(path, request, options.metricsAllow);
    }
    // An unknown path is a 404 for everyone: asking for a token first would send a client
    // after credentials for a route that does not exist.
    const needsToken = !request.is404 && options.isRouted(path) && !isPublicRoute(request.method, path);
    const pending = options.admit({ headers: request.headers, peer: request.socket.remoteAddress, needsToken });
    // Await only what really is a promise: on the hot path both checks answer from memory.
    const admission = pending instanceof Promise ? await pending : pending;
    request.clientIp = admission.clientIp;
    request.principal = admission.principal;
    void reply.headers(rateLimitHeaders(admission.rate));
    if (admission.problem !== undefined) throw admission.problem;
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
