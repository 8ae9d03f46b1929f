import { startHttpService, type RunningService, type SharedRuntime } from "@materi/platform";
import { createTransport, schemaRegistryMigrations, startServiceEvents } from "@materi/events";
import { buildApp } from "./app.js";
import type { ApiConfig } from "./config.js";
import { apiMigrations } from "./store/migrations.js";
export { loadApiConfig, type ApiConfig } from "./config.js";

/** Starts the api service alone or inside the launcher (which passes `shared`). */
export function startApi(config: ApiConfig, shared?: SharedRuntime): Promise<RunningService> {
  return startHttpService({
    name: "api",
    config,
    shared,
    schemas: [{ owner: "events", migrations: schemaRegistryMigrations }, { owner: "api", migrations: apiMigrations }],
    createTransport: () => createTransport({ redisUrl: config.REDIS_URL, connectionName: "api" }),
    build: async (deps) => {
      const events = await startServiceEvents({
        service: "api",
        transport: deps.transport,
        logger: deps.logger,
        metrics: deps.observability.metrics,
        db: deps.db,
        outboxSchema: "api",
      });
      const app = await buildApp(config, { ...deps, registry: events.registry! });
      app.addHook("onClose", () => events.stop());
      return app;
    },
  });
}
