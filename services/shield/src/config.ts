import { baseConfigShape, loadConfig, port, type Env } from "@materi/platform";
import { z } from "zod";

export const shieldConfigSchema = z.object({
  ...baseConfigShape,
  /** Port. Default 8000. */
  PORT: port(8000),
  /** `iss` of the tokens Shield signs. Default "materi". */
  JWT_ISSUER: z.string().default("materi"),
  /** `aud` of the access tokens Shield signs. Default "materi". */
  JWT_AUDIENCE: z.string().default("materi"),
});

export type ShieldConfig = z.infer<typeof shieldConfigSchema>;

export function loadShieldConfig(env: Env): ShieldConfig {
  return loadConfig(shieldConfigSchema, env);
}
