/**
 * The events CLI's configuration: the only place it reads the environment (STYLE.md §5).
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `REDIS_URL` | required | the Redis whose dead-letter stream to inspect |
 *
 * Required, not defaulted: the in-process transport lives inside a running service, so without
 * Redis there is no dead-letter stream this process could reach.
 */
export interface CliConfig {
  readonly redisUrl: string;
}

/** Thrown for a missing or malformed variable; the CLI prints its message and exits 2. */
export class CliConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliConfigError";
  }
}

export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const redisUrl = env["REDIS_URL"]?.trim();
  if (!redisUrl) {
    throw new CliConfigError(
      "REDIS_URL is not set: the dead-letter stream lives in Redis. Example: REDIS_URL=redis://127.0.0.1:6379 npm run events -- dlq list",
    );
  }
  if (!/^rediss?:\/\//.test(redisUrl)) throw new CliConfigError(`REDIS_URL must be a redis:// or rediss:// URL, got "${redisUrl}"`);
  return Object.freeze({ redisUrl });
}
