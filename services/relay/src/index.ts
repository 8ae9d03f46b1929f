import { startHttpService, type RunningService, type SharedRuntime } from "@materi/platform";
import { createTransport } from "@materi/events";
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
    schemas: [],
    createTransport: () => createTransport({ redisUrl: config.REDIS_URL, connectionName: "relay" }),
    build: (deps) => buildApp(config, deps),
  });
}
