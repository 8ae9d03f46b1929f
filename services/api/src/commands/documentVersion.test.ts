import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./documentLister.js";
import { etagOf, matchesVersion, versionsNamed } from "./documentVersion.js";

describe("If-Match against the document version", () => {
  it("compares strong tags, lists and *", () => {
    expect(etagOf(3)).toBe('"3"');
    expect(matchesVersion('"3"', 3)).toBe(true);
    expect(matchesVersion('"2", "3"', 3)).toBe(true);
    expect(matchesVersion("*", 7)).toBe(true);
    expect(matchesVersion("3", 3)).toBe(true);
    expect(matchesVersion('"2"', 3)).toBe(false);
    expect(matchesVersion('W/"3"', 3)).toBe(false);
    expect(matchesVersion('"33"', 3)).toBe(false);
    expect(matchesVersion("", 3)).toBe(false);
    expect(matchesVersion('"03"', 3)).toBe(false);
  });

  it("lists the versions a header names, for the check in SQL", () => {
    expect(versionsNamed(" * ")).toBe("any");
    expect(versionsNamed('"2", W/"3", 4, "x", "03", "99999999999"')).toEqual([2, 4]);
    expect(versionsNamed("")).toEqual([]);
  });
});

describe("list cursors", () => {
  const id = "0b7c3c1e-8a8e-4a59-9a57-2f7b1c1d2e3f";
  it("round-trips a key of its own listing only", () => {
    const recent = encodeCursor("recent", { k: "2026-11-25 11:45:35.123456+00", id });
    expect(decodeCursor(recent, "recent")).toEqual({ k: "2026-11-25 11:45:35.123456+00", id });
    expect(() => decodeCursor(recent, "search")).toThrow(/cursor/);
    expect(() => decodeCursor(recent, "trash")).toThrow(/cursor/);
    expect(decodeCursor(encodeCursor("search", { k: "0.0607927", id }), "search")).toEqual({ k: "0.0607927", id });
  });

  it("refuses forged keys before they reach SQL", () => {
    expect(() => decodeCursor("garbage", "recent")).toThrow(/cursor/);
    expect(() => decodeCursor(encodeCursor("recent", { k: "'; drop table x; --", id }), "recent")).toThrow(/cursor/);
    expect(() => decodeCursor(encodeCursor("search", { k: "1", id: "not-a-uuid" }), "search")).toThrow(/cursor/);
  });
});
