import type { UserRow } from "../store/userStore.js";

export interface UserCacheOptions {
  /** How long a looked-up user may be served while PostgreSQL is down, in ms. Default 60000. */
  ttlMs?: number;
  /** Users remembered; the oldest is dropped beyond it. Default 10000. */
  maxEntries?: number;
}

/**
 * The short cache behind /internal/user/{id}'s degraded mode (the spec's "graceful degradation"):
 * filled on every successful lookup, read only when the database cannot answer.
 */
export class UserCache {
  private readonly entries = new Map<string, { user: UserRow; at: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(options: UserCacheOptions = {}, private readonly now: () => number = Date.now) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  set(user: UserRow): void {
    this.entries.delete(user.id);
    this.entries.set(user.id, { user, at: this.now() });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get(id: string): UserRow | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.user;
  }

  delete(id: string): void {
    this.entries.delete(id);
  }
}
