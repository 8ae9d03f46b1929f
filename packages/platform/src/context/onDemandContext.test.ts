import { setTimeout as sleep } from "node:timers/promises";
import { context, createContextKey, ROOT_CONTEXT } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { initTracing } from "../tracing/initTracing.js";
import { ContextDemand, setAsyncContextOnDemand } from "./onDemandContext.js";
import { currentContext, runWithContext } from "./requestContext.js";

/** Runs `fn` in a request context; resolves with what a timer started inside it sees after the run settled. */
async function seenByLeftoverTimer(correlationId: string, fn: () => Promise<void>): Promise<string | undefined> {
  let seen: Promise<string | undefined> | undefined;
  await runWithContext({ correlationId }, async () => {
    seen = new Promise((resolve) => setTimeout(() => resolve(currentContext()?.correlationId), 20));
    await fn();
  });
  return seen;
}

describe("on-demand async context", () => {
  afterEach(() => setAsyncContextOnDemand(false));

  it("keeps Node's behaviour by default: work left behind by a run keeps its context", async () => {
    expect(await seenByLeftoverTimer("c-default", () => sleep(1))).toBe("c-default");
  });

  it("keeps the context across awaits inside a run", async () => {
    setAsyncContextOnDemand(true);
    const seen = await runWithContext({ correlationId: "c-1" }, async () => {
      await sleep(2);
      await Promise.resolve();
      return currentContext()?.correlationId;
    });
    expect(seen).toBe("c-1");
  });

  it("disables the storage once the last run settles: work left behind loses the context", async () => {
    setAsyncContextOnDemand(true);
    expect(await seenByLeftoverTimer("c-2", () => sleep(1))).toBeUndefined();
    // And the next run enables it again.
    expect(await runWithContext({ correlationId: "c-3" }, async () => (await sleep(1), currentContext()?.correlationId))).toBe("c-3");
  });

  it("stays enabled while an outer run is in flight after an inner one settled", async () => {
    setAsyncContextOnDemand(true);
    const seen = await runWithContext({ correlationId: "outer" }, async () => {
      await runWithContext({ correlationId: "inner" }, () => sleep(1));
      await sleep(2);
      return currentContext()?.correlationId;
    });
    expect(seen).toBe("outer");
  });

  it("counts runs that throw, return a value, or reject as settled", async () => {
    setAsyncContextOnDemand(true);
    let disabled = 0;
    const demand = new ContextDemand(() => (disabled += 1));
    expect(() => demand.track(() => { throw new Error("boom"); })).toThrow("boom");
    expect(demand.track(() => 42)).toBe(42);
    await expect(demand.track(() => Promise.reject(new Error("later")))).rejects.toThrow("later");
    expect(disabled).toBe(3);
  });

  it("applies to the OpenTelemetry context too", async () => {
    const tracing = initTracing({ service: "on-demand-test" });
    try {
      setAsyncContextOnDemand(true);
      const key = createContextKey("test");
      let leftover: Promise<unknown> | undefined;
      const inside = await context.with(ROOT_CONTEXT.setValue(key, "v"), async () => {
        leftover = new Promise((resolve) => setTimeout(() => resolve(context.active().getValue(key)), 20));
        await sleep(1);
        return context.active().getValue(key);
      });
      expect(inside).toBe("v");
      expect(await leftover).toBeUndefined();
    } finally {
      await tracing.shutdown();
    }
  });
});
