import { ConfigError } from "@materi/platform";
import { startAll } from "./startAll.js";

/** `npm start`: every service in one process, stopped together on SIGTERM/SIGINT. */
try {
  const { services, stop } = await startAll(process.env);
  process.stdout.write(`\nMateri is running:\n`);
  for (const service of services) process.stdout.write(`  ${service.name.padEnd(8)} ${service.url}\n`);
  process.stdout.write(`Open ${services.at(-1)?.url ?? ""} in a browser. Ctrl-C stops everything.\n\n`);
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
} catch (err) {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `failed to start: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
