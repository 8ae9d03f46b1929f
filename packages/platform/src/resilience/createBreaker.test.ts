import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createBreaker, type Breaker, type BreakerState } from "./createBreaker.js";
import { BreakerOpenError, HttpError } from "./errors.js";
import { BREAKER_SETTINGS } from "./settings.js";

const boom = (): Promise<never> => Promise.reject(new Error("boom"));

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Fails `count` calls, `gapMs` apart on the fake clock. */
async function failSpread(breaker: Breaker, count: number, gapMs: number, advance: (ms: number) => Promise<void>) {
  for (let i = 0; i < count; i++) {
    if (i > 0) await advance(gapMs);
    await expect(breaker.execute(boom)).rejects.toThrow("boom");
  }
}

function recordStates(breaker: Breaker): BreakerState[] {
  const states: BreakerState[] = [];
  breaker.onStateChange((state) => states.push(state));
  return states;
}

describe("shield breaker (5 failures / 10 s, 30 s recovery, 3 probes) on vitest fake timers", () => {
  const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms).then(() => undefined);
  let breaker: Breaker;

  beforeEach(() => {
    vi.useFakeTimers();
    breaker = createBreaker({ name: "shield", settings: BREAKER_SETTINGS.shield });
  });
  afterEach(() => vi.useRealTimers());

  it("opens on 5 failures inside 10 s and then fails fast", async () => {
    await failSpread(breaker, 5, 2_000, advance); // at 0, 2, 4, 6, 8 s
    expect(breaker.state).toBe("open");
    const fn = vi.fn(() => Promise.resolve("never"));
    const refused = await breaker.execute(fn).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(BreakerOpenError);
    expect(refused).toMatchObject({ breaker: "shield", retryAfterMs: 30_000 });
    expect(fn).not.toHaveBeenCalled();
  });

  it("stays closed when the same 5 failures are spread over 11 s", async () => {
    await failSpread(breaker, 5, 2_750, advance); // at 0, 2.75, 5.5, 8.25, 11 s
    expect(breaker.state).toBe("closed");
    await expect(breaker.execute(() => Promise.resolve("ok"))).resolves.toBe("ok");
  });

  it("does not count errors its isFailure rejects (a 4xx answer by default)", async () => {
    for (let i = 0; i < 10; i++) {
      await expect(breaker.execute(() => Promise.reject(new HttpError(404, {}, undefined)))).rejects.toThrow(HttpError);
    }
    expect(breaker.state).toBe("closed");
  });

  it("after 30 s admits exactly 3 concurrent probes and closes when all succeed", async () => {
    const states = recordStates(breaker);
    await failSpread(breaker, 5, 0, advance);
    await advance(29_999);
    expect(breaker.state).toBe("open");
    await expect(breaker.execute(() => Promise.resolve(1))).rejects.toMatchObject({ retryAfterMs: 1 });
    await advance(1);
    expect(breaker.state).toBe("half-open");

    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    const probes = gates.map((gate) => breaker.execute(() => gate.promise));
    const fourth = vi.fn(() => Promise.resolve("late"));
    await expect(breaker.execute(fourth)).rejects.toBeInstanceOf(BreakerOpenError);
    expect(fourth).not.toHaveBeenCalled();

    gates[0]?.resolve("a");
    await expect(probes[0]).resolves.toBe("a");
    // One probe done does not free a slot: still 3 admitted this round.
    await expect(breaker.execute(fourth)).rejects.toBeInstanceOf(BreakerOpenError);
    expect(breaker.state).toBe("half-open");

    gates[1]?.resolve("b");
    gates[2]?.resolve("c");
    await expect(Promise.all(probes)).resolves.toEqual(["a", "b", "c"]);
    expect(breaker.state).toBe("closed");
    expect(states).toEqual(["open", "half-open", "closed"]);
    await expect(breaker.execute(fourth)).resolves.toBe("late");
  });

  it("re-opens for another 30 s when one probe fails", async () => {
    const states = recordStates(breaker);
    await failSpread(breaker, 5, 0, advance);
    await advance(30_000);
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    const probes = gates.map((gate) => breaker.execute(() => gate.promise));

    gates[0]?.resolve("a");
    gates[1]?.reject(new Error("still down"));
    await expect(probes[1]).rejects.toThrow("still down");
    expect(breaker.state).toBe("open");
    // The straggler's caller still gets its own answer.
    gates[2]?.resolve("c");
    await expect(probes[2]).resolves.toBe("c");
    expect(breaker.state).toBe("open");

    await expect(breaker.execute(() => Promise.resolve(1))).rejects.toMatchObject({ retryAfterMs: 30_000 });
    await advance(29_999);
    expect(breaker.state).toBe("open");
    await advance(1);
    expect(breaker.state).toBe("half-open");
    expect(states).toEqual(["open", "half-open", "open"]);
  });
});

describe("ai-provider breaker (3 failures / 30 s, 60 s recovery, 2 probes) on an injected clock", () => {
  let now = 0;
  const advance = (ms: number): Promise<void> => {
    now += ms;
    return Promise.resolve();
  };
  const make = () =>
    createBreaker({ name: "ai-provider:openai", settings: BREAKER_SETTINGS["ai-provider"], clock: { now: () => now } });

  beforeEach(() => {
    now = 1_000_000;
  });

  it("opens on 3 failures inside 30 s but not over 31 s", async () => {
    const spread = make();
    await failSpread(spread, 3, 15_500, advance); // at 0, 15.5, 31 s
    expect(spread.state).toBe("closed");
    const tight = make();
    await failSpread(tight, 3, 14_000, advance); // at 0, 14, 28 s
    expect(tight.state).toBe("open");
  });

  it("after 60 s admits exactly 2 probes; both succeed -> closed", async () => {
    const breaker = make();
    await failSpread(breaker, 3, 0, advance);
    await advance(59_999);
    await expect(breaker.execute(() => Promise.resolve(1))).rejects.toBeInstanceOf(BreakerOpenError);
    await advance(1);
    const gates = [deferred<number>(), deferred<number>()];
    const probes = gates.map((gate) => breaker.execute(() => gate.promise));
    await expect(breaker.execute(() => Promise.resolve(3))).rejects.toBeInstanceOf(BreakerOpenError);
    gates.forEach((gate, i) => gate.resolve(i));
    await expect(Promise.all(probes)).resolves.toEqual([0, 1]);
    expect(breaker.state).toBe("closed");
  });

  it("one failed probe -> open again for 60 s", async () => {
    const breaker = make();
    await failSpread(breaker, 3, 0, advance);
    await advance(60_000);
    const gates = [deferred<number>(), deferred<number>()];
    const probes = gates.map((gate) => breaker.execute(() => gate.promise));
    gates[0]?.reject(new Error("429 storm"));
    await expect(probes[0]).rejects.toThrow("429 storm");
    expect(breaker.state).toBe("open");
    gates[1]?.resolve(1);
    await probes[1];
    await advance(59_999);
    expect(breaker.state).toBe("open");
    await advance(1);
    await expect(breaker.execute(() => Promise.resolve("probe"))).resolves.toBe("probe");
  });
});

describe("database breaker (2 failures / 5 s, 15 s recovery, 1 probe)", () => {
  it("has already moved when the deciding probe's caller resumes", async () => {
    let now = 0;
    const breaker = createBreaker({ name: "database", settings: BREAKER_SETTINGS.database, clock: { now: () => now } });
    await failSpread(breaker, 2, 0, () => Promise.resolve());
    now += 15_000;
    await breaker.execute(() => Promise.resolve("probe"));
    expect(breaker.state).toBe("closed");

    await failSpread(breaker, 2, 0, () => Promise.resolve());
    now += 15_000;
    await expect(breaker.execute(boom)).rejects.toThrow("boom");
    expect(breaker.state).toBe("open");
  });
});
