import { baseConfigShape, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";

export const ariaConfigSchema = z.object({
  ...baseConfigShape,
  /** Port. Default 8082. */
  PORT: port(8082),
});

export type AriaConfig = z.infer<typeof ariaConfigSchema>;

export function loadAriaConfig(env: Env): AriaConfig {
  return loadConfig(ariaConfigSchema, env);
}
