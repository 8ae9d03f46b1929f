import type { Grant } from "./PermissionSource.js";

/**
 * The grants the api gave lately, for the "local cache" failure strategy: one served while the api
 * is unreachable must be younger than `maxAgeMs`, so older ones are dropped (oldest first, as they
 * are reached: the Map keeps insertion order and a refreshed grant moves to the end) and the cache
 * holds only the last `maxAgeMs` of distinct (user, document) checks, at most `maxEntries`.
 */
export class GrantCache {
  private readonly grants = new Map<string, { grant: Grant; at: number }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  remember(userId: string, documentId: string, grant: Grant): void {
    const key = keyOf(userId, documentId);
    this.grants.delete(key);
    this.dropExpired();
    if (this.grants.size >= this.maxEntries) this.grants.delete(this.grants.keys().next().value!);
    this.grants.set(key, { grant, at: this.now() });
  }

  forget(userId: string, documentId: string): void {
    this.grants.delete(keyOf(userId, documentId));
  }

  /** The grant remembered for the pair if it is younger than `maxAgeMs`. */
  recent(userId: string, documentId: string): Grant | undefined {
    this.dropExpired();
    return this.grants.get(keyOf(userId, documentId))?.grant;
  }

  get size(): number {
    return this.grants.size;
  }

  private dropExpired(): void {
    const oldest = this.now() - this.maxAgeMs;
    for (const [key, entry] of this.grants) {
      if (entry.at >= oldest) return;
      this.grants.delete(key);
    }
  }
}

const keyOf = (userId: string, documentId: string): string => `${userId}|${documentId}`;
