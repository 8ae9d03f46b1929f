import { createServiceClient, HttpError, type Logger } from "@materi/platform";
import { GrantCache } from "./GrantCache.js";
import type { Role } from "@materi/contracts";
import { PermissionsUnavailableError, type Grant, type PermissionSource } from "./PermissionSource.js";

export interface ApiPermissionsOptions {
  apiUrl: string;
  serviceKeys: readonly string[];
  logger: Logger;
  /** How long a grant is served from cache while the api is unreachable, in ms. */
  fallbackMs: number;
  /** Per-request limit, in ms. Default 2000. */
  timeoutMs?: number;
  /** Most cached grants (oldest dropped first; grants older than `fallbackMs` are dropped anyway). Default 50000. */
  maxEntries?: number;
}

interface PermissionAnswer {
  role: Role | null;
  workspace_id: string;
}

/**
 * GET /internal/permissions on the api behind a breaker (spec: 5 failures in 10 s, 30 s
 * recovery). The relay's failure strategy is "local cache": every answer is remembered, and when
 * the api is unreachable a grant younger than `fallbackMs` is served instead of refusing the user.
 */
export function createApiPermissions(opts: ApiPermissionsOptions): PermissionSource {
  // A connecting user waits on this: one quick attempt, then the cache (createServiceClient).
  const api = createServiceClient({ service: "api", baseUrl: opts.apiUrl, serviceKeys: opts.serviceKeys, timeoutMs: opts.timeoutMs });
  const cache = new GrantCache(opts.fallbackMs, opts.maxEntries ?? 50_000);

  return {
    async check(userId, documentId, checkOpts = {}) {
      const query = { user_id: userId, document_id: documentId, ...(checkOpts.fresh ? { fresh: "true" } : {}) };
      try {
        const body = await api.getJson<PermissionAnswer>({ path: "/internal/permissions", query, template: "/internal/permissions" });
        if (!body) {
          cache.forget(userId, documentId);
          return null;
        }
        const grant: Grant = { role: body.role, workspaceId: body.workspace_id };
        cache.remember(userId, documentId, grant);
        return grant;
      } catch (err) {
        if (err instanceof HttpError && err.status < 500) throw err;
        const cached = cache.recent(userId, documentId);
        if (cached) {
          opts.logger.warn({ err, userId, documentId }, "api unreachable; serving a cached grant");
          return cached;
        }
        throw new PermissionsUnavailableError("The api cannot confirm this user's access right now", { cause: err });
      }
    },
    close: () => api.close(),
  };
}
