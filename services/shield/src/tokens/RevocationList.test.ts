import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireRedis, uniquePrefix } from "../../../../test/helpers/redis.js";
import { createMemoryRevocationList, createRedisRevocationList, familyEntry, jtiEntry, withNegativeCache, type RevocationList } from "./RevocationList.js";

// One contract, two backends (STYLE.md §8): memory (embedded) and Redis (shared by replicas).
function revocationContract(name: string, make: () => RevocationList) {
  describe(`${name} revocation list`, () => {
    it("revokes by jti and by family, and nothing else", async () => {
      const list = make();
      await list.revoke(jtiEntry("j1"), 60);
      await list.revoke(familyEntry("f1"), 60);
      expect(await list.isRevoked({ jti: "j1" })).toBe(true);
      expect(await list.isRevoked({ jti: "j2", fam: "f1" })).toBe(true);
      expect(await list.isRevoked({ jti: "j2", fam: "f2" })).toBe(false);
      expect(await list.isRevoked({ jti: "j2" })).toBe(false);
    });
  });
}

revocationContract("memory", () => createMemoryRevocationList());

describe("redis", () => {
  let redis: Redis;
  const prefix = uniquePrefix("revocations");
  beforeAll(async () => {
    redis = new Redis(await requireRedis());
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  revocationContract("redis", () => createRedisRevocationList(redis, prefix));
});

describe("memory revocation list expiry", () => {
  it("forgets an entry when its time is up", async () => {
    let now = 1_000;
    const list = createMemoryRevocationList(() => now);
    await list.revoke(jtiEntry("j"), 10);
    expect(await list.isRevoked({ jti: "j" })).toBe(true);
    now += 10_001;
    expect(await list.isRevoked({ jti: "j" })).toBe(false);
  });
});

describe("negative cache over a revocation list", () => {
  it("skips the inner list for a recently cleared token, and forgets on any local revoke", async () => {
    let now = 0;
    let asked = 0;
    const inner = createMemoryRevocationList(() => now);
    const counting = { revoke: inner.revoke, isRevoked: async (c: { jti: string; fam?: string }) => (asked++, inner.isRevoked(c)) };
    const list = withNegativeCache(counting, 1_000, () => now);
    expect(await list.isRevoked({ jti: "j", fam: "f" })).toBe(false);
    expect(await list.isRevoked({ jti: "j", fam: "f" })).toBe(false);
    expect(asked).toBe(1);
    await list.revoke(familyEntry("f"), 60);
    expect(await list.isRevoked({ jti: "j", fam: "f" })).toBe(true);
    // A revocation by another replica (straight into the inner list) shows once the entry ages out.
    expect(await list.isRevoked({ jti: "k" })).toBe(false);
    await inner.revoke(jtiEntry("k"), 60);
    now += 1_001;
    expect(await list.isRevoked({ jti: "k" })).toBe(true);
  });
});

describe("negative cache: concurrent lookups", () => {
  it("sends one inner lookup for concurrent misses of one token", async () => {
    let asked = 0;
    let answer: (revoked: boolean) => void = () => undefined;
    const slow: RevocationList = {
      revoke: async () => undefined,
      isRevoked: () => (asked++, new Promise<boolean>((resolve) => (answer = resolve))),
    };
    const list = withNegativeCache(slow, 1_000);
    const answers = Promise.all([list.isRevoked({ jti: "j" }), list.isRevoked({ jti: "j" }), list.isRevoked({ jti: "j" })]);
    answer(false);
    expect(await answers).toEqual([false, false, false]);
    expect(asked).toBe(1);
    expect(await list.isRevoked({ jti: "j" })).toBe(false);
    expect(asked).toBe(1);
  });

  it("does not remember a 'clear' answer that a local revoke overtook", async () => {
    const inner = createMemoryRevocationList();
    let release: () => void = () => undefined;
    const gated: RevocationList = {
      revoke: inner.revoke,
      isRevoked: async (claims) => {
        const revoked = await inner.isRevoked(claims);
        await new Promise<void>((resolve) => (release = resolve));
        return revoked;
      },
    };
    const list = withNegativeCache(gated, 60_000);
    const stale = list.isRevoked({ jti: "j", fam: "f" });
    await list.revoke(familyEntry("f"), 60);
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    expect(await stale).toBe(false);
    const fresh = list.isRevoked({ jti: "j", fam: "f" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    expect(await fresh).toBe(true);
  });
});
