import { describe, expect, it } from "vitest";
import { MAX_ACTIVITY_DAYS, rangeOf } from "./activityReader.js";

const now = new Date("2026-03-10T23:59:00Z");

describe("rangeOf", () => {
  it("defaults to the 30 UTC days ending today", () => {
    expect(rangeOf(undefined, undefined, now)).toEqual({ from: "2026-02-09", to: "2026-03-10" });
    expect(rangeOf(undefined, "2026-01-30", now)).toEqual({ from: "2026-01-01", to: "2026-01-30" });
  });

  it("keeps an explicit range, a single day included", () => {
    expect(rangeOf("2026-02-28", "2026-03-01", now)).toEqual({ from: "2026-02-28", to: "2026-03-01" });
    expect(rangeOf("2026-03-01", "2026-03-01", now)).toEqual({ from: "2026-03-01", to: "2026-03-01" });
  });

  it("refuses days that do not exist, reversed ranges and ranges that are too long", () => {
    for (const [from, to] of [
      ["2026-02-29", "2026-03-01"],
      ["2026-13-01", undefined],
      ["2026-03-02", "2026-03-01"],
      ["2024-01-01", "2026-01-01"],
    ] as const) {
      expect(() => rangeOf(from, to, now), `${from}..${to}`).toThrow();
    }
    expect(() => rangeOf("2025-03-11", "2026-03-11", now)).not.toThrow();
    expect(MAX_ACTIVITY_DAYS).toBe(366);
  });
});
