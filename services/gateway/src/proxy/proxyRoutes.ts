import { currentContext } from "@materi/platform";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { GatewayConfig } from "../config.js";
import { passThroughBodies } from "./passThroughBody.js";
import type { Upstream } from "./Upstream.js";

/** One service behind the gateway and the public paths routed to it. */
export interface UpstreamRoute {
  name: "shield" | "api" | "aria";
  /** Base URL, e.g. http://127.0.0.1:8083. */
  base: string;
  /** Each routes itself and everything below it (`/p` and `/p/*`). */
  prefixes: readonly string[];
  /** Routed as exactly this path. */
  exact: readonly string[];
}

/** The routing table of spec "REST API Contracts" (the relay's WebSocket is in collab/). */
export function upstreamRoutes(config: GatewayConfig): UpstreamRoute[] {
  return [
    { name: "shield", base: config.SHIELD_URL, prefixes: ["/api/v1/users", "/api/v1/auth", "/.well-known"], exact: [] },
    { name: "api", base: config.API_URL, prefixes: ["/api/v1/documents", "/api/v1/workspaces", "/api/v1/share-links", "/api/v1/invitations"], exact: ["/api/v1/openapi.json"] },
    { name: "aria", base: config.ARIA_URL, prefixes: ["/api/v1/ai"], exact: [] },
  ];
}

/** The Fastify route URLs an upstream answers on. */
export function routeUrls(route: UpstreamRoute): string[] {
  return [...route.prefixes.flatMap((prefix) => [prefix, `${prefix}/*`]), ...route.exact];
}

/** Where a path is routed, and the route label its request metrics carry. */
export interface RouteMatch {
  upstream: Upstream;
  /**
   * The route pattern Fastify would have matched (`/api/v1/documents/*`, `/api/v1/openapi.json`),
   * so metrics are labelled alike on both paths and their cardinality stays bounded.
   */
  label: string;
}

/** Finds the upstream that answers a path (without its query), or undefined. */
export function routeMatcher(upstreams: readonly Upstream[]): (path: string) => RouteMatch | undefined {
  const exact = new Map<string, RouteMatch>();
  const prefixes: Array<{ prefix: string; below: string; exact: RouteMatch; wildcard: RouteMatch }> = [];
  for (const upstream of upstreams) {
    for (const path of upstream.route.exact) exact.set(path, { upstream, label: path });
    for (const prefix of upstream.route.prefixes) {
      prefixes.push({ prefix, below: `${prefix}/`, exact: { upstream, label: prefix }, wildcard: { upstream, label: `${prefix}/*` } });
    }
  }
  return (path) => {
    const match = exact.get(path);
    if (match !== undefined) return match;
    for (const entry of prefixes) {
      if (path === entry.prefix) return entry.exact;
      if (path.startsWith(entry.below)) return entry.wildcard;
    }
    return undefined;
  };
}

export interface ProxyRoutesOptions {
  /** One per service, shared with the fast path. */
  upstreams: readonly Upstream[];
}

/**
 * The proxied routes as Fastify routes, for the requests the fast path (edge/fastPath.ts) leaves
 * to Fastify: CORS requests, requests while closing, injected requests, and every request when
 * per-request spans are on. The edge guard has run; the handler hands the raw request to the
 * same Upstream.forward as the fast path, so both answer byte for byte alike.
 */
export const proxyRoutes: FastifyPluginAsync<ProxyRoutesOptions> = async (app, options) => {
  passThroughBodies(app);
  for (const upstream of options.upstreams) {
    const handler = (request: FastifyRequest, reply: FastifyReply) => {
      void reply.hijack();
      upstream.forward(request.raw, reply.raw, {
        url: request.url,
        clientIp: request.clientIp,
        requestId: request.id,
        correlationId: currentContext()?.correlationId ?? request.id,
        edgeHeaders: reply.getHeaders(),
        // The app's logger, not the request's: problems logged here name their request_id themselves.
        logger: app.log,
      });
    };
    for (const url of routeUrls(upstream.route)) app.all(url, handler);
  }
};
