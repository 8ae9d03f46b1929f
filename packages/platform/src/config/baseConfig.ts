import path from "node:path";
import { z } from "zod";

/** Parses `"a,b, c"` into `["a","b","c"]`. */
export const csv = z
  .string()
  .transform((s) => s.split(",").map((part) => part.trim()).filter(Boolean));

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.join(" or ")}`);

export const httpUrl = url(["http:", "https:"]);

/**
 * Variables every service reads. Each service extends this with its own in `src/config.ts`.
 * Documented in the README's configuration table.
 */
export const baseConfigShape = {
  /** Interface to listen on. Default 127.0.0.1 (set 0.0.0.0 in containers). */
  HOST: z.string().default("127.0.0.1"),
  /** pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** PostgreSQL URL. Unset: embedded PGlite under MATERI_DATA_DIR. */
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  /** Connections per service pool. Default 10. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Redis URL. Unset: the in-process transport (one process only). */
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  /** Where embedded data lives (PGlite, files, mail). Default ./.materi, relative to where npm was run. */
  MATERI_DATA_DIR: z.string().default("./.materi"),
  /** Set by npm to the directory it was invoked from, so `npm start -w services/x` finds the same data dir. */
  INIT_CWD: z.string().optional(),
  /**
   * Keys accepted in X-Service-Key on /internal/* routes, comma-separated (the first is the one
   * this service sends; list several to rotate). Unset in embedded mode: one is generated per start.
   */
  SERVICE_KEYS: csv.pipe(z.array(z.string().min(32, "each service key needs at least 32 characters"))).optional(),
  /** OTLP/HTTP endpoint for traces, e.g. http://collector:4318. Unset: spans are not exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  /** How long a SIGTERM waits for in-flight requests, in ms. Default 10000. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
} as const;

export const baseConfigSchema = z.object(baseConfigShape);
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** Port variable with a default, validated as a TCP port. */
export const port = (defaultPort: number) => z.coerce.number().int().min(0).max(65535).default(defaultPort);

/** The embedded data directory as an absolute path, resolved from where the user ran npm. */
export function dataDirOf(config: Pick<BaseConfig, "MATERI_DATA_DIR" | "INIT_CWD">): string {
  return path.resolve(config.INIT_CWD ?? process.cwd(), config.MATERI_DATA_DIR);
}
