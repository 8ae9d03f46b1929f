import { DOCSTORE_SCHEMA, docstoreMigrations } from "@materi/docstore";
import type { RunningService, SharedRuntime } from "@materi/platform";
import { startEventedService } from "@materi/events";
import { buildApp } from "./app.js";
import type { RelayConfig } from "./config.js";

// The relay owns no tables: documents live in the docstore schema (migrated by whichever of api
// and relay starts first), sessions in Redis.
export { loadRelayConfig, type RelayConfig } from "./config.js";

/** Starts the relay service alone or inside the launcher (which passes `shared`). */
export function startRelay(config: RelayConfig, shared?: SharedRuntime): Promise<RunningService> {
  return startEventedService({
    name: "relay",
    config,
    shared,
    schemas: [{ owner: DOCSTORE_SCHEMA, migrations: docstoreMigrations }],
    build: (deps) => buildApp(config, { ...deps, db: deps.db!, events: deps.events }),
  });
}
