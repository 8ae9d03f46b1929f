import { describe, expect, it } from "vitest";
import { TokenCache } from "./TokenCache.js";

describe("TokenCache", () => {
  it("never returns an entry at or past its expiry", () => {
    const cache = new TokenCache(10);
    cache.set("t", { sub: "u", expiresAtMs: 1_000 });
    expect(cache.get("t", 999)?.sub).toBe("u");
    expect(cache.get("t", 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("evicts the least recently used entry when full", () => {
    const cache = new TokenCache(2);
    cache.set("a", { sub: "a", expiresAtMs: 10 });
    cache.set("b", { sub: "b", expiresAtMs: 10 });
    cache.get("a", 0);
    cache.set("c", { sub: "c", expiresAtMs: 10 });
    expect(cache.get("b", 0)).toBeUndefined();
    expect(cache.get("a", 0)?.sub).toBe("a");
    expect(cache.size).toBe(2);
  });

  it("keeps nothing when its size is 0", () => {
    const cache = new TokenCache(0);
    cache.set("a", { sub: "a", expiresAtMs: 10 });
    expect(cache.get("a", 0)).toBeUndefined();
  });
});
