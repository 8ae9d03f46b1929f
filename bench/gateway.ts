/**
 * Gateway overhead benchmark: `npx tsx bench/gateway.ts` (about 2 minutes).
 *
 * The gateway (built services/gateway/dist/main.js) and a constant Fastify JSON upstream run as
 * separate child processes; Redis-backed rate limiting is on (limit high enough not to trip) and
 * every request carries a valid EdDSA access token, so the measured path is the real hot path:
 * client address, JWT (cached), rate limit (local budget, counted in Redis in batches), proxy over
 * an undici keep-alive pool. Direct and gateway runs call the same route with the same request.
 *
 * Scenarios, each run twice per target, alternating direct and gateway, so a burst of background
 * load on the machine hits both alike; the summary takes each target's better round:
 * - latency_at_2k: a truly fixed 2,000 req/s, open loop (lib/gatewayPaced.ts): requests leave on
 *   schedule whether or not earlier ones answered, latency counted from the due time. This is the
 *   target's scenario: at most 1 ms added at p99.
 * - latency_at_2k_bursts: autocannon's overallRate with 10 connections. autocannon sends each
 *   connection's share of a second back to back, then waits for the next second, so this measures
 *   bursts at a concurrency of 10 rather than a steady 2,000 req/s. Printed (and judged against the
 *   same 1 ms) so the figure the previous version of this bench reported stays visible.
 * - max_throughput: autocannon, 50 connections, as fast as the target answers. Target: gateway at
 *   least 35% of direct.
 * server_cpu_us_per_req is the CPU time (user + system, all threads) of the process answering (the
 * gateway alone, or the upstream when direct) per request: robust to load on the rest of the
 * machine, unlike req/s.
 *
 * CPU pinning: none, for either run. On this 2-core machine, pinning the load generator to one core
 * and both servers to the other made the gateway slower and its p99 worse (gateway and upstream then
 * take turns on one core, while the direct run's upstream has that core to itself), so it would
 * make the comparison less fair, not more. Printed in the summary as cpu_pinning.
 *
 * BENCH_PROFILE=1 writes a CPU profile of the gateway to $TMPDIR/materi-bench-profiles/.
 */
import { existsSync } from "node:fs";
import { processCpuMs, type BenchChild } from "./lib/gatewayProcesses.js";
import { startJwks } from "./lib/gatewayJwks.js";
import { runLoad, type LoadResult } from "./lib/gatewayLoad.js";
import { runPaced } from "./lib/gatewayPaced.js";
import { ROOT, buildServices, cpuProfileFlags, startConstantUpstream, startService } from "./lib/services.js";

const ROUTE = "/api/v1/documents/bench";
const FIXED_RATE = 2_000;
const TARGET_ADDED_P99_MS = 1;
const TARGET_THROUGHPUT_RATIO = 0.35;
/** Seconds per measured scenario, and per warm-up. */
const MEASURE_S = 10;
const WARMUP_S = 3;
const ROUNDS = 2;
/** Connections of the autocannon fixed-rate scenario (see above), of the paced one, and of max throughput. */
const BURST_CONNECTIONS = 10;
const PACED_CONNECTIONS = 32;
const MAX_CONNECTIONS = 50;

async function main(): Promise<void> {
  buildGateway();
  const keys = await startJwks({ issuer: "materi", audience: "materi" });
  const children: BenchChild[] = [];
  try {
    const upstream = await startConstantUpstream("upstream");
    children.push(upstream.child);
    const gateway = await startService("gateway", [...cpuProfileFlags("gateway"), `${ROOT}services/gateway/dist/main.js`], gatewayEnv(upstream.url, keys.jwksUrl));
    children.push(gateway.child);
    const cpu = { gateway: processCpuMs(gateway.child.process.pid), direct: processCpuMs(upstream.child.process.pid) };
    const results = await runScenarios(`${gateway.url}${ROUTE}`, `${upstream.url}${ROUTE}`, keys.token, cpu);
    printSummary(results);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await keys.close();
  }
}

/** Builds dist/ first so the bench measures the current source; an existing build is used if that fails. */
function buildGateway(): void {
  try {
    buildServices("services/gateway");
  } catch {
    if (!existsSync(`${ROOT}services/gateway/dist/main.js`)) throw new Error("services/gateway does not build and has no dist/ to run");
    process.stderr.write("build failed: measuring the existing services/gateway/dist\n");
  }
}

function gatewayEnv(apiUrl: string, jwksUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "warn",
    API_URL: apiUrl,
    JWKS_URL: jwksUrl,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    RATE_LIMIT_REQUESTS: "1000000000",
    RATE_LIMIT_WINDOW_S: "60",
    RATE_LIMIT_PREFIX: `bench:gw:${process.pid}:${Date.now()}`,
  };
}

type Target = "gateway" | "direct";
type Measured = LoadResult & { server_cpu_us_per_req: number | null };

interface Results {
  paced: Record<Target, Measured>;
  bursts: Record<Target, Measured>;
  max: Record<Target, Measured>;
}
/** One scenario against one target, as either load generator runs it. */
type Scenario = (url: string, target: Target) => Promise<LoadResult>;

async function runScenarios(gatewayUrl: string, directUrl: string, token: string, cpu: Record<Target, () => number | null>): Promise<Results> {
  const headers = { authorization: `Bearer ${token}` };
  const measure = async (scenario: Scenario, target: Target): Promise<Measured> => {
    const before = cpu[target]();
    const result = await scenario(target === "gateway" ? gatewayUrl : directUrl, target);
    const after = cpu[target]();
    const perRequest = before === null || after === null ? null : Math.round(((after - before) * 1000) / result.requests);
    return { ...result, server_cpu_us_per_req: perRequest };
  };
  const autocannon = (scenario: string, connections: number, durationS: number, overallRate?: number): Scenario => {
    return (url, target) => runLoad({ scenario, target, url, headers, connections, durationS, overallRate });
  };
  // Warm-up: JIT, keep-alive pools, JWKS fetch and token cache, Redis script load.
  for (const target of ["gateway", "direct"] as const) await measure(autocannon("warmup", MAX_CONNECTIONS, WARMUP_S), target);
  const paced: Scenario = (url, target) =>
    runPaced({ scenario: "latency_at_2k", target, url, headers, rate: FIXED_RATE, durationS: MEASURE_S, connections: PACED_CONNECTIONS });
  const lowerP99 = (r: LoadResult) => -r.p99_ms;
  return {
    paced: await alternate(measure, paced, lowerP99),
    bursts: await alternate(measure, autocannon("latency_at_2k_bursts", BURST_CONNECTIONS, MEASURE_S, FIXED_RATE), lowerP99),
    max: await alternate(measure, autocannon("max_throughput", MAX_CONNECTIONS, MEASURE_S), (r) => r.throughput_req_s),
  };
}

/** Runs a scenario ROUNDS times per target, alternating, prints each run, returns each target's best. */
async function alternate(
  measure: (scenario: Scenario, target: Target) => Promise<Measured>,
  scenario: Scenario,
  score: (result: LoadResult) => number,
): Promise<{ gateway: Measured; direct: Measured }> {
  const runs: Record<Target, Measured[]> = { gateway: [], direct: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of ["direct", "gateway"] as const) {
      const result = await measure(scenario, target);
      process.stdout.write(`${JSON.stringify({ ...result, round })}\n`);
      runs[target].push(result);
    }
  }
  const best = (list: Measured[]) => list.reduce((a, b) => (score(b) > score(a) ? b : a));
  return { gateway: best(runs.gateway), direct: best(runs.direct) };
}

function printSummary(results: Results): void {
  const added = (pair: { gateway: LoadResult; direct: LoadResult }) => round(pair.gateway.p99_ms - pair.direct.p99_ms);
  const addedP99 = added(results.paced);
  const addedBursts = added(results.bursts);
  const ratio = round(results.max.gateway.throughput_req_s / results.max.direct.throughput_req_s);
  const gatewayRuns = [results.paced.gateway, results.bursts.gateway, results.max.gateway];
  const failures = gatewayRuns.reduce((sum, r) => sum + r.non_2xx + r.errors, 0);
  const verdict = (pass: boolean) => (pass ? "PASS" : "FAIL");
  const summary = {
    scenario: "summary",
    cpu_pinning: "none",
    p99_ms_at_2k: { direct: results.paced.direct.p99_ms, gateway: results.paced.gateway.p99_ms },
    added_p99_ms_at_2k: addedP99,
    added_p99_target_ms: TARGET_ADDED_P99_MS,
    added_p99: verdict(addedP99 <= TARGET_ADDED_P99_MS),
    p99_ms_at_2k_bursts: { direct: results.bursts.direct.p99_ms, gateway: results.bursts.gateway.p99_ms },
    added_p99_ms_at_2k_bursts: addedBursts,
    added_p99_bursts: verdict(addedBursts <= TARGET_ADDED_P99_MS),
    max_req_s: { direct: results.max.direct.throughput_req_s, gateway: results.max.gateway.throughput_req_s },
    server_cpu_us_per_req_at_max: { direct: results.max.direct.server_cpu_us_per_req, gateway: results.max.gateway.server_cpu_us_per_req },
    throughput_ratio: ratio,
    throughput_ratio_target: TARGET_THROUGHPUT_RATIO,
    throughput: verdict(ratio >= TARGET_THROUGHPUT_RATIO),
    gateway_failed_requests: failures,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (failures > 0) process.stderr.write("gateway answered non-2xx or failed requests: the figures do not measure the happy path\n");
}


function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

await main();
