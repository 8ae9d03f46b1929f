/** What the edge keeps of a verified access token. */
export interface VerifiedToken {
  /** The user (or client) the token was issued to. */
  sub: string;
  /** Expiry, in ms since the epoch. */
  expiresAtMs: number;
}

interface Entry {
  token: VerifiedToken;
  /** Value of the use counter when the entry was last moved to the young end. */
  stamp: number;
}

/**
 * Bounded LRU of verified tokens keyed by the token string, so repeated requests with the same
 * token skip the signature check. An entry is never returned at or past the token's `exp`.
 * A Map keeps insertion order and the first key is the least recently used. A hit moves its
 * entry to the young end only once it has aged past half the cache: a busy token is then not
 * re-inserted on every request, and still cannot fall off the old end while in use.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private uses = 0;

  /** @param maxEntries Most tokens kept; 0 disables caching. */
  constructor(private readonly maxEntries: number) {}

  get(token: string, nowMs: number): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.token.expiresAtMs <= nowMs) {
      this.entries.delete(token);
      return undefined;
    }
    this.uses += 1;
    if (this.uses - entry.stamp > this.maxEntries / 2) {
      entry.stamp = this.uses;
      this.entries.delete(token);
      this.entries.set(token, entry);
    }
    return entry.token;
  }

  set(token: string, verified: VerifiedToken): void {
    if (this.maxEntries === 0) return;
    this.uses += 1;
    this.entries.delete(token);
    this.entries.set(token, { token: verified, stamp: this.uses });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
