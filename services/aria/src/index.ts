import { DOCSTORE_SCHEMA, docstoreMigrations } from "@materi/docstore";
import type { RunningService, SharedRuntime } from "@materi/platform";
import { startEventedService } from "@materi/events";
import { buildApp } from "./app.js";
import type { AriaConfig } from "./config.js";
import { ariaMigrations } from "./store/migrations.js";
export { loadAriaConfig, type AriaConfig } from "./config.js";

/** Starts the aria service alone or inside the launcher (which passes `shared`). */
export function startAria(config: AriaConfig, shared?: SharedRuntime): Promise<RunningService> {
  return startEventedService({
    name: "aria",
    config,
    shared,
    // The docstore schema too: `apply` writes documents, whichever of api and aria starts first.
    schemas: [
      { owner: "aria", migrations: ariaMigrations },
      { owner: DOCSTORE_SCHEMA, migrations: docstoreMigrations },
    ],
    outboxSchema: "aria",
    build: (deps) => buildApp(config, { ...deps, db: deps.db!, registry: deps.events.registry }),
  });
}
