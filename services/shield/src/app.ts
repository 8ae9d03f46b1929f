import { createServiceApp, type Database, type ServiceDeps } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import type { ShieldConfig } from "./config.js";
import { jwksRoutes } from "./routes/jwks/routes.js";

/** Shield's routes on the platform app. No listen, no process.env. */
export async function buildApp(_config: ShieldConfig, deps: ServiceDeps & { db: Database }): Promise<FastifyInstance> {
  const app = createServiceApp({
    service: "shield",
    logger: deps.logger,
    serviceKeys: deps.serviceKeys,
    readiness: deps.readiness,
    instrument: deps.observability.instrument,
  });
  await app.register(jwksRoutes, { db: deps.db });
  return app;
}
