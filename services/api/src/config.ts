import { baseConfigShape, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";

export const apiConfigSchema = z.object({
  ...baseConfigShape,
  /** Port. Default 8083. */
  PORT: port(8083),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;

export function loadApiConfig(env: Env): ApiConfig {
  return loadConfig(apiConfigSchema, env);
}
