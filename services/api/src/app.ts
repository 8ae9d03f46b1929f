import type { SchemaRegistry } from "@materi/events";
import { createServiceApp, type ServiceDeps } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import type { ApiConfig } from "./config.js";
import { openapiRoutes, type PublicRoute } from "./routes/openapi/routes.js";
import { schemaRoutes } from "./routes/schemas/routes.js";

/** The api service's routes on the platform app. No listen, no process.env. */
export async function buildApp(_config: ApiConfig, deps: ServiceDeps & { registry: SchemaRegistry }): Promise<FastifyInstance> {
  const app = createServiceApp({
    service: "api",
    logger: deps.logger,
    serviceKeys: deps.serviceKeys,
    readiness: deps.readiness,
    instrument: deps.observability.instrument,
  });
  const publicRoutes: PublicRoute[] = [];
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/v1/") || route.url === "/api/v1/openapi.json") return;
    for (const method of [route.method].flat()) if (method !== "HEAD") publicRoutes.push({ method, url: route.url });
  });
  await app.register(openapiRoutes, { routes: publicRoutes });
  await app.register(schemaRoutes, { registry: deps.registry });
  return app;
}
