import type { FastifyInstance } from "fastify";

/**
 * GET /api/v1/openapi.json: the public API's OpenAPI 3.1 description, built from the routes
 * registered with a schema (so it cannot drift from the code).
 */
export async function openapiRoutes(app: FastifyInstance, opts: { routes: PublicRoute[] }): Promise<void> {
  app.get("/api/v1/openapi.json", async () => ({
    openapi: "3.1.0",
    info: { title: "Materi API", version: "1.0.0" },
    paths: Object.fromEntries(groupByPath(opts.routes)),
  }));
}

export interface PublicRoute {
  method: string;
  url: string;
  summary?: string;
}

function groupByPath(routes: PublicRoute[]): Map<string, Record<string, { summary?: string }>> {
  const paths = new Map<string, Record<string, { summary?: string }>>();
  for (const route of routes) {
    const openapiPath = route.url.replace(/:([A-Za-z_]+)/g, "{$1}");
    const entry = paths.get(openapiPath) ?? {};
    entry[route.method.toLowerCase()] = route.summary ? { summary: route.summary } : {};
    paths.set(openapiPath, entry);
  }
  return paths;
}
