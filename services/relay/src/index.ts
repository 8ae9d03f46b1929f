import { startHttpService, type RunningService, type SharedRuntime } from "@materi/platform";
import { attachServiceEvents, createTransport, schemaRegistryMigrations } from "@materi/events";
import { buildApp } from "./app.js";
import type { RelayConfig } from "./config.js";

// The relay owns no tables: documents live in the docstore schema, sessions in Redis.
export { loadRelayConfig, type RelayConfig } from "./config.js";

/** Starts the relay service alone or inside the launcher (which passes `shared`). */
export function startRelay(config: RelayConfig, shared?: SharedRuntime): Promise<RunningService> {
  return startHttpService({
    name: "relay",
    config,
    shared,
    schemas: [{ owner: "events", migrations: schemaRegistryMigrations }],
    createTransport: () => createTransport({ redisUrl: config.REDIS_URL, connectionName: "relay" }),
    build: async (deps) => {
      const app = await buildApp(config, deps);
      await attachServiceEvents(app, {
        service: "relay",
        transport: deps.transport,
        logger: deps.logger,
        metrics: deps.observability.metrics,
        db: deps.db,
      });
      return app;
    },
  });
}
