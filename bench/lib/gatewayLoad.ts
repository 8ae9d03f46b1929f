import autocannon from "autocannon";

export interface LoadOptions {
  scenario: string;
  target: "gateway" | "direct";
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  /** Fixed total request rate, in req/s. Default: as fast as the target answers. */
  overallRate?: number;
}

/** One scenario's figures, printed as one JSON line. */
export interface LoadResult {
  scenario: string;
  target: string;
  connections: number;
  duration_s: number;
  rate_req_s: number | null;
  requests: number;
  throughput_req_s: number;
  p50_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  non_2xx: number;
  errors: number;
}

/**
 * Runs autocannon and computes latency percentiles from every response time it reports
 * (microsecond precision; autocannon's own histogram rounds to whole milliseconds, too coarse
 * for a 1 ms budget, and its coordinated-omission correction assumes a 1 ms interval here).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const samples: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        headers: options.headers,
        connections: options.connections,
        duration: options.durationS,
        overallRate: options.overallRate,
        pipelining: 1,
      },
      (err, done) => (err ? reject(err) : resolve(done)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
    });
  });
  return {
    scenario: options.scenario,
    target: options.target,
    connections: options.connections,
    duration_s: options.durationS,
    rate_req_s: options.overallRate ?? null,
    requests: result.requests.total,
    throughput_req_s: Math.round(result.requests.total / result.duration),
    ...latencyFigures(samples),
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** p50/p90/p95/p99/max of every 2xx response time (ms, to the microsecond), for both load runners. */
export function latencyFigures(samples: number[]): Pick<LoadResult, "p50_ms" | "p90_ms" | "p95_ms" | "p99_ms" | "max_ms"> {
  samples.sort((a, b) => a - b);
  const at = (q: number) => round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN);
  return { p50_ms: at(0.5), p90_ms: at(0.9), p95_ms: at(0.95), p99_ms: at(0.99), max_ms: round(samples.at(-1) ?? Number.NaN) };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
