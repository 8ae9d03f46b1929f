import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { classifyFailure } from "./classifyFailure.js";
import { BreakerOpenError, HttpError } from "./errors.js";
import { parseRetryAfter, withRetry, type RetryOptions } from "./withRetry.js";

const codeError = (code: string) => Object.assign(new Error(code), { code });
const status = (code: number, headers: Record<string, string> = {}) => new HttpError(code, headers, undefined);

/**
 * Runs withRetry on the fake clock until it settles; returns the fake-clock
 * time (ms since start) of every attempt and the outcome.
 */
async function runOnFakeClock(
  answer: (attempt: number) => Promise<string>,
  opts: RetryOptions = {},
): Promise<{ times: number[]; result: unknown }> {
  const start = Date.now();
  const times: number[] = [];
  const settled = withRetry((attempt) => {
    times.push(Date.now() - start);
    return answer(attempt);
  }, opts).then(
    (value) => value,
    (err: unknown) => err,
  );
  await vi.runAllTimersAsync();
  return { times, result: await settled };
}

/** An attempt that takes `ms` on the fake clock, then fails with `err`. */
const slowFailure = (ms: number, err: unknown) => () =>
  new Promise<string>((_, reject) => setTimeout(() => reject(err), ms));

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
});
afterEach(() => vi.useRealTimers());

describe("withRetry, per the spec's retry table", () => {
  it("network timeout: retries 3 times after 1, 2 and 4 s", async () => {
    const err = codeError("UND_ERR_CONNECT_TIMEOUT");
    const { times, result } = await runOnFakeClock(() => Promise.reject(err));
    expect(times).toEqual([0, 1_000, 3_000, 7_000]);
    expect(result).toBe(err);
  });

  it("network timeout: stops at the 30 s total budget", async () => {
    // Attempts that each take 10 s: 0-10, 11-21, 23-33; a 4 s wait would end at 37 s > 30 s.
    const { times } = await runOnFakeClock(slowFailure(10_000, new DOMException("t", "TimeoutError")));
    expect(times).toEqual([0, 11_000, 23_000]);
  });

  it("service unavailable: retries 5 times after 2, 4, 8, 16 and 32 s", async () => {
    const { times, result } = await runOnFakeClock(() => Promise.reject(status(503)));
    expect(times).toEqual([0, 2_000, 6_000, 14_000, 30_000, 62_000]);
    expect(result).toMatchObject({ status: 503 });
  });

  it("service unavailable: connection refused/reset count too, within the 2 min budget", async () => {
    const { times } = await runOnFakeClock(slowFailure(20_000, codeError("ECONNRESET")));
    // 0-20, 22-42, 46-66, 74-94, 110-130; a 32 s wait would end at 162 s > 120 s.
    expect(times).toEqual([0, 22_000, 46_000, 74_000, 110_000]);
    const refused = await runOnFakeClock(() => Promise.reject(codeError("ECONNREFUSED")));
    expect(refused.times).toHaveLength(6);
  });

  it("rate limited: waits the Retry-After seconds", async () => {
    const { times, result } = await runOnFakeClock((attempt) =>
      attempt === 0 ? Promise.reject(status(429, { "retry-after": "1" })) : Promise.resolve("ok"),
    );
    expect(times).toEqual([0, 1_000]);
    expect(result).toBe("ok");
  });

  it("rate limited: waits until a Retry-After HTTP date", async () => {
    const until = new Date(Date.now() + 3_000).toUTCString();
    const { times, result } = await runOnFakeClock((attempt) =>
      attempt === 0 ? Promise.reject(status(429, { "retry-after": until })) : Promise.resolve("ok"),
    );
    expect(times).toEqual([0, 3_000]);
    expect(result).toBe("ok");
  });

  it("rate limited: at most 3 retries, and none past the 5 min budget", async () => {
    const limited = await runOnFakeClock(() => Promise.reject(status(429, { "retry-after": "2" })));
    expect(limited.times).toEqual([0, 2_000, 4_000, 6_000]);
    const tooLong = await runOnFakeClock(() => Promise.reject(status(429, { "retry-after": "301" })));
    expect(tooLong.times).toEqual([0]);
  });

  it("validation error: a 400 is not retried", async () => {
    const { times, result } = await runOnFakeClock(() => Promise.reject(status(400)));
    expect(times).toEqual([0]);
    expect(result).toMatchObject({ status: 400 });
  });

  it("authentication: a 401 calls refreshAuth once and retries once, immediately", async () => {
    const calls: string[] = [];
    const refreshAuth = vi.fn(async () => {
      calls.push("refresh");
    });
    const { times, result } = await runOnFakeClock(
      (attempt) => {
        calls.push(`attempt ${attempt}`);
        return Promise.reject(status(401));
      },
      { refreshAuth },
    );
    expect(times).toEqual([0, 0]);
    expect(calls).toEqual(["attempt 0", "refresh", "attempt 1"]);
    expect(refreshAuth).toHaveBeenCalledTimes(1);
    expect(result).toMatchObject({ status: 401 });
  });

  it("authentication: no retry without refreshAuth, nor past the 10 s budget", async () => {
    expect((await runOnFakeClock(() => Promise.reject(status(401)))).times).toEqual([0]);
    const refreshAuth = vi.fn(() => Promise.resolve());
    const late = await runOnFakeClock(slowFailure(10_001, status(401)), { refreshAuth });
    expect(late.times).toEqual([0]);
    expect(refreshAuth).not.toHaveBeenCalled();
  });

  it("never retries an open breaker, so the caller can fall back", async () => {
    const { times, result } = await runOnFakeClock(() => Promise.reject(new BreakerOpenError("shield", 5_000)));
    expect(times).toEqual([0]);
    expect(result).toBeInstanceOf(BreakerOpenError);
  });

  it("stops waiting when the caller aborts", async () => {
    const controller = new AbortController();
    const attempts = vi.fn(() => Promise.reject(status(503)));
    const settled = withRetry(attempts, { signal: controller.signal }).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort(new Error("caller gave up"));
    await expect(settled).resolves.toMatchObject({ message: "caller gave up" });
    expect(attempts).toHaveBeenCalledTimes(1);
  });

  it("uses an injected sleep and clock instead of timers", async () => {
    vi.useRealTimers();
    let now = 0;
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      now += ms;
    };
    await expect(withRetry(() => Promise.reject(codeError("ETIMEDOUT")), { sleep, now: () => now })).rejects.toThrow();
    expect(slept).toEqual([1_000, 2_000, 4_000]);
  });
});

describe("classifyFailure", () => {
  it.each([
    [status(401), "authentication"],
    [status(429), "rate-limited"],
    [status(502), "service-unavailable"],
    [status(504), "service-unavailable"],
    [status(408), "network-timeout"],
    [status(422), "validation"],
    [status(500), "none"],
    [codeError("ETIMEDOUT"), "network-timeout"],
    [codeError("UND_ERR_HEADERS_TIMEOUT"), "network-timeout"],
    [new DOMException("slow", "TimeoutError"), "network-timeout"],
    [new DOMException("cancelled", "AbortError"), "none"],
    [new TypeError("fetch failed", { cause: codeError("ECONNREFUSED") }), "service-unavailable"],
    [new AggregateError([codeError("ECONNREFUSED")]), "service-unavailable"],
    [new Error("a bug"), "none"],
  ])("%s -> %s", (err, kind) => {
    expect(classifyFailure(err)).toBe(kind);
  });

  it("parses both Retry-After forms", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
