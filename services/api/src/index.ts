import { DOCSTORE_SCHEMA, docstoreMigrations } from "@materi/docstore";
import type { RunningService, SharedRuntime } from "@materi/platform";
import { startEventedService } from "@materi/events";
import { buildApp } from "./app.js";
import { startApiConsumers } from "./consumers/index.js";
import { startBackgroundJobs } from "./jobs/startBackgroundJobs.js";
import type { ApiConfig } from "./config.js";
import { apiMigrations } from "./store/migrations.js";
export { loadApiConfig, type ApiConfig } from "./config.js";

/** Starts the api service alone or inside the launcher (which passes `shared`). */
export function startApi(config: ApiConfig, shared?: SharedRuntime): Promise<RunningService> {
  return startEventedService({
    name: "api",
    config,
    shared,
    schemas: [
      { owner: "api", migrations: apiMigrations },
      { owner: DOCSTORE_SCHEMA, migrations: docstoreMigrations },
    ],
    outboxSchema: "api",
    build: async (deps) => {
      const app = await buildApp(config, { ...deps, db: deps.db!, registry: deps.events.registry });
      const subscriptions = startApiConsumers(deps.events.bus, app.apiContext);
      const jobs = startBackgroundJobs(app.apiContext);
      app.addHook("onClose", async () => {
        await Promise.all([jobs.stop(), ...subscriptions.map((subscription) => subscription.stop())]);
      });
      return app;
    },
  });
}
