import { randomBytes } from "node:crypto";
import type { Logger } from "pino";

/**
 * The keys /internal/* accepts: configured ones, else those the launcher generated for this
 * process, else (a service started alone in embedded mode) a fresh one per start, which only
 * that process knows — fine for a single service, and said so in the log.
 */
export function resolveServiceKeys(
  configured: readonly string[] | undefined,
  shared: readonly string[] | undefined,
  logger: Logger,
): readonly string[] {
  if (configured && configured.length > 0) return configured;
  if (shared && shared.length > 0) return shared;
  logger.warn("SERVICE_KEYS is not set: generated a service key for this process only; other services cannot call its /internal routes");
  return [generateServiceKey()];
}

export function generateServiceKey(): string {
  return randomBytes(32).toString("base64url");
}
