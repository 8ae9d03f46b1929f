import type { GatewayConfig } from "../config.js";

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
    { name: "api", base: config.API_URL, prefixes: ["/api/v1/documents", "/api/v1/workspaces"], exact: ["/api/v1/openapi.json"] },
    { name: "aria", base: config.ARIA_URL, prefixes: ["/api/v1/ai"], exact: [] },
  ];
}

/** The Fastify route URLs an upstream answers on. */
export function routeUrls(route: UpstreamRoute): string[] {
  return [...route.prefixes.flatMap((prefix) => [prefix, `${prefix}/*`]), ...route.exact];
}
