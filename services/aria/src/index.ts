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
    schemas: [{ owner: "aria", migrations: ariaMigrations }],
    outboxSchema: "aria",
    build: (deps) => buildApp(config, deps),
  });
}
