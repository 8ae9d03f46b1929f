import { startHttpService, type RunningService, type SharedRuntime } from "@materi/platform";
import { attachServiceEvents, createTransport, schemaRegistryMigrations } from "@materi/events";
import { buildApp } from "./app.js";
import type { AriaConfig } from "./config.js";
import { ariaMigrations } from "./store/migrations.js";
export { loadAriaConfig, type AriaConfig } from "./config.js";

/** Starts the aria service alone or inside the launcher (which passes `shared`). */
export function startAria(config: AriaConfig, shared?: SharedRuntime): Promise<RunningService> {
  return startHttpService({
    name: "aria",
    config,
    shared,
    schemas: [{ owner: "events", migrations: schemaRegistryMigrations }, { owner: "aria", migrations: ariaMigrations }],
    createTransport: () => createTransport({ redisUrl: config.REDIS_URL, connectionName: "aria" }),
    build: async (deps) => {
      const app = await buildApp(config, deps);
      await attachServiceEvents(app, {
        service: "aria",
        transport: deps.transport,
        logger: deps.logger,
        metrics: deps.observability.metrics,
        db: deps.db,
        outboxSchema: "aria",
      });
      return app;
    },
  });
}
