import { ConfigError } from "../config/loadConfig.js";
import type { RunningService } from "./types.js";

/**
 * Entry point body for a service's `main.ts`: start it, print where it listens, stop on
 * SIGTERM/SIGINT. A configuration error ends the process with its one-line message.
 */
export async function runMain(start: () => Promise<RunningService>, graceMs = 10_000): Promise<void> {
  let service: RunningService;
  try {
    service = await start();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
  process.stdout.write(`${service.name} listening on ${service.url}\n`);
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), graceMs + 1_000);
    force.unref();
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}
