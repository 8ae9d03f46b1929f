/** Latency percentiles in ms, rounded to 0.01 ms. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of `samples` (ms); zeros when there are none. */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => {
    if (sorted.length === 0) return 0;
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return round(sorted[rank]!);
  };
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted.at(-1) ?? 0) };
}

/** The middle value (the lower one of the two middles for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Calls `send(i)` at a steady `ratePerSec` for `durationMs`: each 1 ms timer tick sends whatever
 * the schedule says is due, so a late tick catches up instead of lowering the rate. `send` must
 * not block; its promise is awaited at the end (rejections are counted, not thrown).
 */
export async function runPaced(ratePerSec: number, durationMs: number, send: (i: number) => Promise<unknown>): Promise<{ sent: number; failed: number }> {
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let sent = 0;
  let failed = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - started;
      const due = Math.min(Math.floor((elapsed * ratePerSec) / 1000), Math.floor((durationMs * ratePerSec) / 1000));
      while (sent < due) {
        const p = send(sent).catch(() => void (failed += 1));
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        sent += 1;
      }
      if (elapsed >= durationMs) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(inFlight);
  return { sent, failed };
}
