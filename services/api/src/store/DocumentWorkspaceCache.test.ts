import { describe, expect, it } from "vitest";
import { DocumentWorkspaceCache } from "./DocumentWorkspaceCache.js";

describe("the document -> workspace cache", () => {
  it("keeps the most recently used documents up to its size", () => {
    const cache = new DocumentWorkspaceCache(2);
    cache.remember("doc-a", "ws-1");
    cache.remember("doc-b", "ws-1");
    expect(cache.get("doc-a")).toBe("ws-1");
    cache.remember("doc-c", "ws-2");
    // doc-b was the least recently used: dropped; doc-a was read after it.
    expect(cache.get("doc-b")).toBeUndefined();
    expect(cache.get("doc-a")).toBe("ws-1");
    expect(cache.get("doc-c")).toBe("ws-2");
  });
});
