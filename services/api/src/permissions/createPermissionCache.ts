import type { Database } from "@materi/platform";
import { documentAccessOf } from "../store/permissionStore.js";
import type { EffectivePermission, PermissionCache } from "./PermissionCache.js";

export interface PermissionCacheOptions {
  db: Database;
  /** Longest life of an entry, in ms; 0 disables caching. */
  ttlMs: number;
  /** Most entries kept (oldest dropped first). Default 50000. */
  maxEntries?: number;
  /** Clock, in epoch ms. Default Date.now. */
  now?: () => number;
}

interface Entry {
  value: EffectivePermission | null;
  workspaceId: string | null;
  expiresAt: number;
}

/** A Map keyed `user|document`; invalidation scans it (entries are few per workspace in practice). */
export function createPermissionCache(opts: PermissionCacheOptions): PermissionCache {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 50_000;
  const entries = new Map<string, Entry>();
  // Bumped by every invalidation, so a lookup that started before one never stores its stale answer.
  let generation = 0;
  const dropWhere = (match: (key: string, entry: Entry) => boolean): void => {
    generation += 1;
    for (const [key, entry] of entries) if (match(key, entry)) entries.delete(key);
  };

  return {
    async get(userId, documentId) {
      const key = `${userId}|${documentId}`;
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now()) return hit.value;
      const started = generation;
      const access = await documentAccessOf(opts.db, documentId, userId);
      const value: EffectivePermission | null = access
        ? { documentId, workspaceId: access.workspaceId, role: access.trashed ? null : access.role }
        : null;
      if (opts.ttlMs > 0 && started === generation) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, { value, workspaceId: access?.workspaceId ?? null, expiresAt: now() + opts.ttlMs });
      }
      return value;
    },
    invalidateWorkspace: (workspaceId) => dropWhere((_key, entry) => entry.workspaceId === workspaceId),
    invalidateDocument: (documentId) => dropWhere((key) => key.endsWith(`|${documentId}`)),
    invalidateUser: (userId) => dropWhere((key) => key.startsWith(`${userId}|`)),
    stop: async () => entries.clear(),
  };
}
