import { baseConfigShape, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";

/** The all-in-one process: every service on its spec port, sharing embedded defaults. */
export const launcherConfigSchema = z.object({
  ...baseConfigShape,
  /** Connections per service pool; the embedded server serves services x this. Default 4 here. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(4),
  GATEWAY_PORT: port(8080),
  SHIELD_PORT: port(8000),
  RELAY_PORT: port(8081),
  ARIA_PORT: port(8082),
  API_PORT: port(8083),
});

export type LauncherConfig = z.infer<typeof launcherConfigSchema>;

export function loadLauncherConfig(env: Env): LauncherConfig {
  return loadConfig(launcherConfigSchema, env);
}
