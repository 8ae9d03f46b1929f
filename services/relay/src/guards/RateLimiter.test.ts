import { describe, expect, it } from "vitest";
import { RateLimiter } from "./RateLimiter.js";

describe("RateLimiter", () => {
  it("allows a burst of twice the rate, then refuses until time refills the buckets", () => {
    let now = 0;
    const limiter = new RateLimiter(10, 1_000, 2, () => now);
    const burst = Array.from({ length: 25 }, () => limiter.take(1));
    expect(burst.filter(Boolean)).toHaveLength(20);
    now += 500; // half a second: 5 messages back
    expect(Array.from({ length: 6 }, () => limiter.take(1)).filter(Boolean)).toHaveLength(5);
  });

  it("counts bytes separately from messages", () => {
    let now = 0;
    const limiter = new RateLimiter(1_000, 100, 2, () => now);
    expect(limiter.take(150)).toBe(true);
    expect(limiter.take(100)).toBe(false);
    now += 1_000;
    expect(limiter.take(100)).toBe(true);
  });
});
