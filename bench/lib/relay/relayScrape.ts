/**
 * The relay's own account of where an acknowledgement waits, from its /metrics read at both edges
 * of the window: `relay_append_duration_seconds` (update received -> durable in the docstore), which
 * tells the append apart from queueing in the connection, and prom-client's event-loop lag (reset
 * at every scrape, so the second reading covers the window), which tells a busy process apart from a
 * slow database.
 */

const APPEND_BUCKET = /^relay_append_duration_seconds_bucket\{.*le="([^"]+)".*\} (\d+(?:\.\d+)?)$/;
const LOOP_LAG_P99 = /^nodejs_eventloop_lag_p99_seconds(?:\{.*\})? (\S+)$/;

/** Cumulative bucket counts: upper bound in seconds (Infinity for +Inf) -> count. */
export type Buckets = Map<number, number>;

export interface RelayScrape {
  appendBuckets: Buckets;
  /** p99 of the event-loop delay since the previous scrape, ms; null if not exported. */
  eventLoopLagP99Ms: number | null;
}

export async function scrapeRelay(relayUrl: string): Promise<RelayScrape | null> {
  const response = await fetch(`${relayUrl}/metrics`).catch(() => null);
  if (!response?.ok) return null;
  const appendBuckets: Buckets = new Map();
  let eventLoopLagP99Ms: number | null = null;
  for (const line of (await response.text()).split("\n")) {
    const bucket = APPEND_BUCKET.exec(line);
    if (bucket) appendBuckets.set(bucket[1] === "+Inf" ? Infinity : Number(bucket[1]), Number(bucket[2]));
    const lag = LOOP_LAG_P99.exec(line);
    if (lag) eventLoopLagP99Ms = Math.round(Number(lag[1]) * 1000 * 100) / 100;
  }
  return { appendBuckets, eventLoopLagP99Ms };
}

/**
 * The bucket bound (ms) under which quantile `q` of the appends made between two scrapes fell,
 * e.g. "<= 5"; "> 1000" past the last bound; null without both scrapes or without appends.
 */
export function appendQuantile(before: Buckets | null, after: Buckets | null, q: number): string | null {
  if (!before || !after) return null;
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return null;
  let previous = 0;
  for (const bound of bounds) {
    const count = (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
    if (count >= q * total) return bound === Infinity ? `> ${previous * 1000}` : `<= ${bound * 1000}`;
    previous = bound;
  }
  return null;
}
