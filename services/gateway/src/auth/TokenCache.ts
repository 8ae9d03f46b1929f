/** What the edge keeps of a verified access token. */
export interface VerifiedToken {
  /** The user (or client) the token was issued to. */
  sub: string;
  /** Expiry, in ms since the epoch. */
  expiresAtMs: number;
}

/**
 * Bounded LRU of verified tokens keyed by the token string, so repeated requests with the same
 * token skip the signature check. An entry is never returned at or past the token's `exp`.
 * A Map keeps insertion order: re-inserting on a hit moves the entry to the young end, and the
 * first key is the least recently used.
 */
export class TokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  /** @param maxEntries Most tokens kept; 0 disables caching. */
  constructor(private readonly maxEntries: number) {}

  get(token: string, nowMs: number): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    this.entries.delete(token);
    if (entry.expiresAtMs <= nowMs) return undefined;
    this.entries.set(token, entry);
    return entry;
  }

  set(token: string, verified: VerifiedToken): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(token);
    this.entries.set(token, verified);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
