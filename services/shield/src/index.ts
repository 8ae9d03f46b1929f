import { startHttpService, type RunningService, type SharedRuntime } from "@materi/platform";
import { attachServiceEvents, createTransport, schemaRegistryMigrations } from "@materi/events";
import { buildApp } from "./app.js";
import type { ShieldConfig } from "./config.js";
import { shieldMigrations } from "./store/migrations.js";
import { ensureActiveSigningKey } from "./store/signingKeyStore.js";

export { loadShieldConfig, type ShieldConfig } from "./config.js";

/** Starts Shield alone or inside the launcher (which passes `shared`). */
export function startShield(config: ShieldConfig, shared?: SharedRuntime): Promise<RunningService> {
  return startHttpService({
    name: "shield",
    config,
    shared,
    schemas: [{ owner: "events", migrations: schemaRegistryMigrations }, { owner: "shield", migrations: shieldMigrations }],
    createTransport: () => createTransport({ redisUrl: config.REDIS_URL, connectionName: "shield" }),
    build: async (deps) => {
      const db = deps.db!;
      await ensureActiveSigningKey(db);
      const app = await buildApp(config, { ...deps, db });
      await attachServiceEvents(app, {
        service: "shield",
        transport: deps.transport,
        logger: deps.logger,
        metrics: deps.observability.metrics,
        db: deps.db,
        outboxSchema: "shield",
      });
      return app;
    },
  });
}
