import type { RunningService, SharedRuntime } from "@materi/platform";
import { startEventedService } from "@materi/events";
import { buildApp } from "./app.js";
import type { RelayConfig } from "./config.js";

// The relay owns no tables: documents live in the docstore schema, sessions in Redis.
export { loadRelayConfig, type RelayConfig } from "./config.js";

/** Starts the relay service alone or inside the launcher (which passes `shared`). */
export function startRelay(config: RelayConfig, shared?: SharedRuntime): Promise<RunningService> {
  return startEventedService({
    name: "relay",
    config,
    shared,
    schemas: [],
    build: (deps) => buildApp(config, deps),
  });
}
