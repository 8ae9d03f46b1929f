import { Agent, request } from "node:http";
import { latencyFigures } from "./gatewayLoad.js";

/** One request the paced runner sends, and what to do with its answer. */
export interface PacedRequest {
  method: "GET" | "POST" | "PATCH";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Hears the answer (status and body), e.g. to continue a refresh-token rotation chain. */
  onAnswer?: (status: number, body: string) => void;
}

export interface PacedRunOptions {
  /** Origin of the target, e.g. http://127.0.0.1:8000. */
  origin: string;
  /** Requests per second, sent on a fixed schedule whether or not earlier ones have answered. */
  rate: number;
  durationS: number;
  /** Keep-alive connections the requests may use. */
  connections: number;
  /**
   * The request due now; undefined when none can be sent (e.g. every refresh chain is waiting for
   * an answer), which is counted as an error: the target has fallen that far behind.
   */
  next: () => PacedRequest | undefined;
}

/** What one paced run saw: every 2xx latency (ms), and the requests that got none. */
export interface PacedRun {
  requests: number;
  elapsedS: number;
  /** Latency of every 2xx answer, in ms (microsecond precision). */
  samples: number[];
  non2xx: number;
  errors: number;
}

/** A scenario's figures over one or more runs, printed as one JSON line. */
export interface PacedResult {
  scenario: string;
  rate_req_s: number;
  duration_s: number;
  requests: number;
  throughput_req_s: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  non_2xx: number;
  errors: number;
}

/**
 * Open-loop load at a truly steady rate (the "steady 2,000 req/s"): request i is due at
 * start + i / rate and leaves then, whether or not earlier ones have answered, so a stall shows in
 * the figures instead of holding back the next requests (no coordinated omission). autocannon's
 * overallRate is not this: each connection sends its share of a second back to back, then waits for
 * the next second, which measures bursts at a concurrency of `connections`.
 *
 * Latency runs from when a request left to the end of its answer. The timer's own lateness (up to
 * a millisecond; the load generator's, not the server's) is left out for every target alike.
 */
export async function runPaced(options: PacedRunOptions): Promise<PacedRun> {
  const { hostname, port } = new URL(options.origin);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const samples: number[] = [];
  const counts = { non2xx: 0, errors: 0 };
  const total = Math.round(options.rate * options.durationS);
  const inFlight: Array<Promise<void>> = [];
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = () => {
      while (sent < total && start + (sent * 1000) / options.rate <= performance.now()) {
        const req = options.next();
        if (req === undefined) counts.errors += 1;
        else inFlight.push(send(agent, hostname, port, req, samples, counts));
        sent += 1;
      }
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + (sent * 1000) / options.rate - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsedS = (performance.now() - start) / 1000;
  agent.destroy();
  return { requests: total, elapsedS, samples, non2xx: counts.non2xx, errors: counts.errors };
}

/** One scenario's figures from its runs: percentiles over all their samples pooled, never a best-of. */
export function summarize(scenario: string, rate: number, runs: PacedRun[]): PacedResult {
  const samples = runs.flatMap((run) => run.samples);
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  const elapsedS = runs.reduce((sum, run) => sum + run.elapsedS, 0);
  return {
    scenario,
    rate_req_s: rate,
    duration_s: Math.round(elapsedS * 10) / 10,
    requests,
    throughput_req_s: Math.round(requests / elapsedS),
    ...percentiles(samples),
    non_2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
  };
}

function send(agent: Agent, host: string, port: string, req: PacedRequest, samples: number[], counts: { non2xx: number; errors: number }): Promise<void> {
  return new Promise<void>((resolve) => {
    const sentMs = performance.now();
    const headers = req.body === undefined ? req.headers : { ...req.headers, "content-length": String(Buffer.byteLength(req.body)) };
    const outgoing = request({ agent, host, port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const elapsed = performance.now() - sentMs;
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) samples.push(elapsed);
        else counts.non2xx += 1;
        req.onAnswer?.(status, Buffer.concat(chunks).toString());
        resolve();
      });
    });
    outgoing.on("error", () => {
      counts.errors += 1;
      req.onAnswer?.(0, "");
      resolve();
    });
    outgoing.end(req.body);
  });
}

/** p50/p95/p99/max of every 2xx latency, in ms to the microsecond (gatewayLoad's figures without p90). */
function percentiles(samples: number[]): Pick<PacedResult, "p50_ms" | "p95_ms" | "p99_ms" | "max_ms"> {
  const { p50_ms, p95_ms, p99_ms, max_ms } = latencyFigures(samples);
  return { p50_ms, p95_ms, p99_ms, max_ms };
}
