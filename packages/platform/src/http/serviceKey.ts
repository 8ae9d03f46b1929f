import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { platformProblem } from "../http-errors/platformProblem.js";

export const SERVICE_KEY_HEADER = "x-service-key";

/**
 * Checks a presented key against the accepted ones in constant time. Both sides are hashed
 * first so the comparison never leaks a key's length.
 */
export function serviceKeyMatches(presented: string, accepted: readonly string[]): boolean {
  return serviceKeyMatcher(accepted)(presented);
}

/** serviceKeyMatches with the accepted keys' digests computed once, for a per-request check. */
export function serviceKeyMatcher(accepted: readonly string[]): (presented: string) => boolean {
  const digests = accepted.map(sha256);
  return (presented) => {
    const digest = sha256(presented);
    let match = false;
    // No early exit: every key is compared, so timing does not tell which one matched.
    for (const key of digests) if (timingSafeEqual(digest, key)) match = true;
    return match;
  };
}

const sha256 = (value: string): Buffer => createHash("sha256").update(value).digest();

export function isInternalPath(url: string): boolean {
  return url === "/internal" || url.startsWith("/internal/") || url.startsWith("/internal?");
}

/**
 * `/internal/*` needs a valid X-Service-Key; every other route refuses one, so a leaked
 * service key can never be used as a user credential at the edge.
 */
export function installServiceKeyGuard(app: FastifyInstance, acceptedKeys: readonly string[]): void {
  const matches = serviceKeyMatcher(acceptedKeys);
  // A callback hook, not an async one: it runs on every request, and has nothing to await.
  app.addHook("onRequest", (request, _reply, done) => {
    const presented = request.headers[SERVICE_KEY_HEADER];
    if (isInternalPath(request.url)) {
      if (typeof presented !== "string" || !matches(presented)) {
        done(platformProblem("PLATFORM_ERR_SERVICE_KEY_REQUIRED", "Internal endpoints need a valid X-Service-Key header."));
        return;
      }
      done();
      return;
    }
    if (presented !== undefined) {
      done(
        platformProblem(
          "PLATFORM_ERR_SERVICE_KEY_NOT_ALLOWED",
          "X-Service-Key is only accepted on internal endpoints; authenticate with a bearer token.",
        ),
      );
      return;
    }
    done();
  });
}
