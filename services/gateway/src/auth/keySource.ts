import { createLocalJWKSet, createRemoteJWKSet, errors, type JWK, type JWTVerifyGetKey } from "jose";
import type { Logger } from "@materi/platform";

/** The signing keys could not be fetched (network error, timeout, non-200, not a JWKS). */
export class JwksUnavailableError extends Error {
  constructor(cause: unknown) {
    super("the JWKS endpoint could not be read", { cause });
    this.name = "JwksUnavailableError";
  }
}

export interface KeySourceOptions {
  /** Where shield publishes its keys. */
  url: string;
  /** Least time between refetches caused by an unknown `kid`, in ms (jose's cooldownDuration). */
  cooldownMs: number;
  /** How long a fetched set is used before refetching, in ms (jose's cacheMaxAge). */
  maxAgeMs: number;
  logger: Logger;
}

// Errors that mean "the key set says no" (a token problem), as opposed to "we could not ask".
const KEY_SET_ANSWERS = new Set([
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSENotSupported.code,
  errors.JWSInvalid.code,
]);

/**
 * jose's remote JWKS (fetched on first use, refetched when a token names an unknown `kid`, at most
 * once per cooldown) with one addition: when a refetch fails, the last set fetched keeps verifying
 * tokens, so a shield outage does not lock every signed-in user out at the edge.
 */
export function createKeySource(options: KeySourceOptions): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(options.url), {
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.maxAgeMs,
    timeoutDuration: 5_000,
  });
  let stale: { jwks: { keys: JWK[] }; local: JWTVerifyGetKey } | undefined;
  let lastWarnMs = 0;
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      if (err instanceof errors.JOSEError && KEY_SET_ANSWERS.has(err.code)) throw err;
      const last = remote.jwks();
      if (last === undefined) throw new JwksUnavailableError(err);
      if (stale?.jwks !== last) stale = { jwks: last, local: createLocalJWKSet(last) };
      // Every cache miss retries the fetch during an outage; one warning per cooldown is enough.
      if (Date.now() - lastWarnMs >= options.cooldownMs) {
        lastWarnMs = Date.now();
        options.logger.warn({ err, url: options.url }, "JWKS refetch failed; verifying with the last key set fetched");
      }
      return stale.local(header, token);
    }
  };
}
