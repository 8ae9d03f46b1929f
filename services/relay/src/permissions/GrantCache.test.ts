import { describe, expect, it } from "vitest";
import { GrantCache } from "./GrantCache.js";
import type { Grant } from "./PermissionSource.js";

const editor: Grant = { role: "editor", workspaceId: "w1" };

/** A cache on a hand-driven clock, and a way to remember pairs at given times. */
function cacheAt(maxAgeMs: number, maxEntries: number) {
  const clock = { now: 0 };
  const cache = new GrantCache(maxAgeMs, maxEntries, () => clock.now);
  const rememberAt = (at: number, user: string, grant: Grant = editor): void => {
    clock.now = at;
    cache.remember(user, `doc-of-${user}`, grant);
  };
  const recentAt = (at: number, user: string) => {
    clock.now = at;
    return cache.recent(user, `doc-of-${user}`);
  };
  return { cache, rememberAt, recentAt };
}

describe("GrantCache", () => {
  it("serves a grant until it is maxAgeMs old, then holds it no longer", () => {
    const { cache, rememberAt, recentAt } = cacheAt(1_000, 10);
    rememberAt(0, "u1");
    rememberAt(600, "u2");
    expect(recentAt(1_000, "u1")).toEqual(editor);
    expect(recentAt(1_001, "u1")).toBeUndefined();
    expect(recentAt(1_001, "u2")).toEqual(editor);
    expect(cache.size).toBe(1);
    rememberAt(5_000, "u3");
    expect(cache.size).toBe(1);
  });

  it("refreshing a grant makes it the youngest; beyond maxEntries the oldest goes; forget drops one", () => {
    const { cache, rememberAt, recentAt } = cacheAt(10_000, 2);
    rememberAt(0, "u1");
    rememberAt(1, "u2");
    rememberAt(2, "u1", { role: "viewer", workspaceId: "w1" });
    rememberAt(3, "u3");
    expect(recentAt(3, "u2")).toBeUndefined();
    expect(recentAt(3, "u1")?.role).toBe("viewer");
    cache.forget("u1", "doc-of-u1");
    expect(recentAt(3, "u1")).toBeUndefined();
  });
});
