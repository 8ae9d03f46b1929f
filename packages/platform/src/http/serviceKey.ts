import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { platformProblem } from "../http-errors/platformProblem.js";

export const SERVICE_KEY_HEADER = "x-service-key";

/**
 * Checks a presented key against the accepted ones in constant time. Both sides are hashed
 * first so the comparison never leaks a key's length.
 */
export function serviceKeyMatches(presented: string, accepted: readonly string[]): boolean {
  const digest = createHash("sha256").update(presented).digest();
  let match = false;
  for (const key of accepted) {
    // No early exit: every key is compared, so timing does not tell which one matched.
    if (timingSafeEqual(digest, createHash("sha256").update(key).digest())) match = true;
  }
  return match;
}

export function isInternalPath(url: string): boolean {
  return url === "/internal" || url.startsWith("/internal/") || url.startsWith("/internal?");
}

/**
 * `/internal/*` needs a valid X-Service-Key; every other route refuses one, so a leaked
 * service key can never be used as a user credential at the edge.
 */
export function installServiceKeyGuard(app: FastifyInstance, acceptedKeys: readonly string[]): void {
  app.addHook("onRequest", async (request) => {
    const presented = request.headers[SERVICE_KEY_HEADER];
    if (isInternalPath(request.url)) {
      if (typeof presented !== "string" || !serviceKeyMatches(presented, acceptedKeys)) {
        throw platformProblem("PLATFORM_ERR_SERVICE_KEY_REQUIRED", "Internal endpoints need a valid X-Service-Key header.");
      }
      return;
    }
    if (presented !== undefined) {
      throw platformProblem(
        "PLATFORM_ERR_SERVICE_KEY_NOT_ALLOWED",
        "X-Service-Key is only accepted on internal endpoints; authenticate with a bearer token.",
      );
    }
  });
}
