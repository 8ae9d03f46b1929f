import { Agent, request } from "node:http";
import { latencyFigures, type LoadResult } from "./gatewayLoad.js";

export interface PacedOptions {
  scenario: string;
  target: "gateway" | "direct";
  url: string;
  headers?: Record<string, string>;
  /** Requests per second, sent on a fixed schedule whether or not earlier ones have answered. */
  rate: number;
  durationS: number;
  /** Keep-alive connections the requests may use. */
  connections: number;
}

/**
 * Open-loop load at a truly fixed rate: request i is due at start + i / rate and is sent then
 * (timers fire about once a millisecond, so 2,000 req/s leave as pairs every millisecond), whether
 * or not earlier requests have answered: a stalled server delays the answers in flight, never the
 * next requests, so stalls show in the figures (no coordinated omission). Latency is from when a
 * request left to the end of its answer; the timer's own lateness (up to a millisecond, the load
 * generator's, not the server's) is left out.
 *
 * autocannon's overallRate is not this: each connection sends its share of a second back to back,
 * then waits for the next second, which measures bursts at a concurrency of `connections`.
 */
export async function runPaced(options: PacedOptions): Promise<LoadResult> {
  const { hostname, port, pathname, search } = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const samples: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const total = Math.round(options.rate * options.durationS);
  const start = performance.now();
  const send = () =>
    new Promise<void>((resolve) => {
      const sentMs = performance.now();
      const req = request({ agent, host: hostname, port, path: `${pathname}${search}`, headers: options.headers }, (res) => {
        res.resume();
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) samples.push(performance.now() - sentMs);
          else non2xx += 1;
          resolve();
        });
      });
      req.on("error", () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
  const inFlight: Array<Promise<void>> = [];
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / options.rate <= now) {
        inFlight.push(send());
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
  return {
    scenario: options.scenario,
    target: options.target,
    connections: options.connections,
    duration_s: options.durationS,
    rate_req_s: options.rate,
    requests: total,
    throughput_req_s: Math.round(total / elapsedS),
    ...latencyFigures(samples),
    non_2xx: non2xx,
    errors,
  };
}
