import type { AccessTokenClaims } from "@materi/platform";
import type { Redis } from "ioredis";

/**
 * Revoked access tokens (by jti) and refresh families (by id), kept outside PostgreSQL so
 * /internal/validate answers while the database is down (the spec's graceful degradation).
 * Entries expire when the tokens they cover would have anyway.
 */
export interface RevocationList {
  /** Marks `id` ("jti:<uuid>" or "fam:<uuid>") revoked for `ttlS` seconds. */
  revoke(id: string, ttlS: number): Promise<void>;
  /** Whether the token or its family is revoked. */
  isRevoked(claims: Pick<AccessTokenClaims, "jti" | "fam">): Promise<boolean>;
}

export const jtiEntry = (jti: string) => `jti:${jti}`;
export const familyEntry = (family: string) => `fam:${family}`;

/** One process only: the embedded default. */
export function createMemoryRevocationList(now: () => number = Date.now): RevocationList {
  const until = new Map<string, number>();
  const live = (id: string) => {
    const expiry = until.get(id);
    if (expiry === undefined) return false;
    if (expiry > now()) return true;
    until.delete(id);
    return false;
  };
  return {
    revoke: async (id, ttlS) => {
      until.set(id, now() + ttlS * 1000);
    },
    isRevoked: async (claims) => live(jtiEntry(claims.jti)) || (claims.fam !== undefined && live(familyEntry(claims.fam))),
  };
}

/** Shared by every replica; one key per entry so it shards across a Redis Cluster. */
export function createRedisRevocationList(redis: Redis, prefix = "materi:shield:revoked"): RevocationList {
  return {
    revoke: async (id, ttlS) => {
      await redis.set(`${prefix}:${id}`, "1", "EX", Math.max(1, Math.ceil(ttlS)));
    },
    isRevoked: async (claims) => {
      // Two single-key commands, pipelined: no command spans two keys (ARCHITECTURE.md, Redis Cluster).
      const pipeline = redis.pipeline().exists(`${prefix}:${jtiEntry(claims.jti)}`);
      if (claims.fam !== undefined) pipeline.exists(`${prefix}:${familyEntry(claims.fam)}`);
      const results = (await pipeline.exec()) ?? [];
      for (const [err, count] of results) {
        if (err) throw err;
        if (count === 1) return true;
      }
      return false;
    },
  };
}

/**
 * Remembers "not revoked" answers for `ttlMs`, so a token validated again within that time costs
 * no Redis round trip (the /internal/validate p95 target). Revocations made through this list
 * apply at once here; those made by another replica are seen within `ttlMs`.
 *
 * Concurrent misses for one token share a single lookup: at 2,000 req/s every request arriving
 * during the round trip that renews an entry would otherwise send its own (a burst of Redis calls
 * each second, worse the slower Redis is). A lookup that a local revoke overtook is not cached.
 */
export function withNegativeCache(inner: RevocationList, ttlMs: number, now: () => number = Date.now, maxEntries = 10_000): RevocationList {
  const clearUntil = new Map<string, number>();
  const inFlight = new Map<string, Promise<boolean>>();
  // Bumped by every local revoke: answers fetched before it must not be remembered as "clear".
  let generation = 0;
  const keyOf = (claims: { jti: string; fam?: string }) => `${claims.jti}|${claims.fam ?? ""}`;
  const lookUp = (key: string, claims: Pick<AccessTokenClaims, "jti" | "fam">): Promise<boolean> => {
    const asked = generation;
    const lookup = inner
      .isRevoked(claims)
      .then((revoked) => {
        if (!revoked && ttlMs > 0 && asked === generation) {
          if (clearUntil.size >= maxEntries) clearUntil.delete(clearUntil.keys().next().value!);
          clearUntil.set(key, now() + ttlMs);
        }
        return revoked;
      })
      .finally(() => {
        if (inFlight.get(key) === lookup) inFlight.delete(key);
      });
    inFlight.set(key, lookup);
    return lookup;
  };
  return {
    revoke: async (id, ttlS) => {
      // A family or jti revoked here must not stay "clear" in this replica's cache.
      const forget = () => {
        generation += 1;
        clearUntil.clear();
        inFlight.clear();
      };
      forget();
      await inner.revoke(id, ttlS);
      // Again: a lookup that started while the entry was on its way to Redis may have missed it.
      forget();
    },
    isRevoked: (claims) => {
      const key = keyOf(claims);
      const until = clearUntil.get(key);
      if (until !== undefined && until > now()) return Promise.resolve(false);
      return inFlight.get(key) ?? lookUp(key, claims);
    },
  };
}
