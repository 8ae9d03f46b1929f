import { latencyFigures, type LoadResult } from "./gatewayLoad.js";
import { runPaced as runPacedRequests } from "./paced.js";

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
 * GET `url` at a truly fixed rate (open loop, see paced.ts: no coordinated omission), figures as
 * the gateway bench prints them.
 */
export async function runPaced(options: PacedOptions): Promise<LoadResult> {
  const { origin, pathname, search } = new URL(options.url);
  const request = { method: "GET" as const, path: `${pathname}${search}`, ...(options.headers ? { headers: options.headers } : {}) };
  const run = await runPacedRequests({ origin, rate: options.rate, durationS: options.durationS, connections: options.connections, next: () => request });
  return {
    scenario: options.scenario,
    target: options.target,
    connections: options.connections,
    duration_s: options.durationS,
    rate_req_s: options.rate,
    requests: run.requests,
    throughput_req_s: Math.round(run.requests / run.elapsedS),
    ...latencyFigures(run.samples),
    non_2xx: run.non2xx,
    errors: run.errors,
  };
}
