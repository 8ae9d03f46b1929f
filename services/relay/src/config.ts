import { baseConfigShape, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";

export const relayConfigSchema = z.object({
  ...baseConfigShape,
  /** Port. Default 8081. */
  PORT: port(8081),
});

export type RelayConfig = z.infer<typeof relayConfigSchema>;

export function loadRelayConfig(env: Env): RelayConfig {
  return loadConfig(relayConfigSchema, env);
}
