import type { FastifyInstance, RouteOptions } from "fastify";
import { buildOpenApiDocument, type RouteDoc } from "./openapiDocument.js";

/**
 * GET /api/v1/openapi.json: the public API's OpenAPI 3.1 description, built from the routes as
 * registered, with their JSON schemas (params, querystring, headers, body), so it cannot drift from
 * the code. Routes may add `config.openapi` ({summary, responses}) for what schemas do not say.
 */
export async function openapiRoutes(app: FastifyInstance, opts: { routes: PublicRoute[] }): Promise<void> {
  const docs = new Map<string, RouteDoc>();
  // This plugin skips encapsulation (below), so the hook sees every route registered after it.
  app.addHook("onRoute", (route: RouteOptions) => {
    for (const method of [route.method].flat()) docs.set(`${method} ${route.url}`, { schema: route.schema, config: route.config });
  });
  let built: unknown;
  app.get("/api/v1/openapi.json", async () => {
    built ??= buildOpenApiDocument(opts.routes.map((route) => ({ ...route, ...docs.get(`${route.method} ${route.url}`) })));
    return built;
  });
}
// fastify-plugin's marker: register this plugin on the parent context, not in a child one.
Object.assign(openapiRoutes, { [Symbol.for("skip-override")]: true });

export interface PublicRoute {
  method: string;
  url: string;
  summary?: string;
}
