/**
 * Gateway overhead benchmark: `npx tsx bench/gateway.ts` (about 1 minute).
 *
 * The gateway (built services/gateway/dist/main.js) and a constant Fastify JSON upstream run as
 * separate child processes; Redis-backed rate limiting is on (limit high enough not to trip) and
 * every request carries a valid EdDSA access token, so the measured path is the real hot path:
 * client address, JWT (cached), Redis rate-limit round trip, proxy over an undici keep-alive pool.
 *
 * Prints one JSON line per scenario, then a summary line with PASS/FAIL against the targets:
 * added p99 at 2,000 req/s <= 1 ms, and gateway/direct max throughput >= 0.35.
 * BENCH_PROFILE=1 writes a CPU profile of the gateway to bench/.profiles/.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { spawnNode, type BenchChild } from "./lib/childProcess.js";
import { startJwks } from "./lib/jwksServer.js";
import { runLoad, type LoadOptions, type LoadResult } from "./lib/load.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ROUTE = "/api/v1/documents/bench";
const FIXED_RATE = 2_000;
const TARGET_ADDED_P99_MS = 1;
const TARGET_THROUGHPUT_RATIO = 0.35;
/** Seconds per measured scenario, and per warm-up. */
const MEASURE_S = 10;
const WARMUP_S = 3;

async function main(): Promise<void> {
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-b", "services/gateway"], { cwd: ROOT, stdio: "inherit" });
  const keys = await startJwks({ issuer: "materi", audience: "materi" });
  const children: BenchChild[] = [];
  try {
    const upstream = await spawnNode({
      label: "upstream",
      args: ["--import", "tsx", `${ROOT}bench/lib/benchUpstream.ts`],
      env: { PATH: process.env.PATH },
      ready: /"url"/,
    });
    children.push(upstream);
    const upstreamUrl = (JSON.parse(upstream.readyLine) as { url: string }).url;
    const gateway = await spawnNode({ label: "gateway", args: gatewayArgs(), env: gatewayEnv(upstreamUrl, keys.jwksUrl), ready: /listening on/ });
    children.push(gateway);
    const gatewayUrl = gateway.readyLine.replace(/^.*listening on /, "").trim();
    const results = await runScenarios(`${gatewayUrl}${ROUTE}`, `${upstreamUrl}${ROUTE}`, keys.token);
    printSummary(results);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await keys.close();
  }
}

function gatewayArgs(): string[] {
  const args = [`${ROOT}services/gateway/dist/main.js`];
  if (process.env.BENCH_PROFILE !== "1") return args;
  mkdirSync(`${ROOT}bench/.profiles`, { recursive: true });
  return ["--cpu-prof", `--cpu-prof-dir=${ROOT}bench/.profiles`, ...args];
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

interface Results {
  latency: { gateway: LoadResult; direct: LoadResult };
  max: { gateway: LoadResult; direct: LoadResult };
}

async function runScenarios(gatewayUrl: string, directUrl: string, token: string): Promise<Results> {
  const headers = { authorization: `Bearer ${token}` };
  const load = async (options: Omit<LoadOptions, "headers">, print = true) => {
    const result = await runLoad({ ...options, headers });
    if (print) process.stdout.write(`${JSON.stringify(result)}\n`);
    return result;
  };
  // Warm-up: JIT, keep-alive pools, JWKS fetch and token cache, Redis script load.
  await load({ scenario: "warmup", target: "gateway", url: gatewayUrl, connections: 50, durationS: WARMUP_S }, false);
  await load({ scenario: "warmup", target: "direct", url: directUrl, connections: 50, durationS: WARMUP_S }, false);
  const fixed = { connections: 20, durationS: MEASURE_S, overallRate: FIXED_RATE };
  const latencyDirect = await load({ scenario: "latency_at_2k", target: "direct", url: directUrl, ...fixed });
  const latencyGateway = await load({ scenario: "latency_at_2k", target: "gateway", url: gatewayUrl, ...fixed });
  const open = { connections: 50, durationS: MEASURE_S };
  const maxDirect = await load({ scenario: "max_throughput", target: "direct", url: directUrl, ...open });
  const maxGateway = await load({ scenario: "max_throughput", target: "gateway", url: gatewayUrl, ...open });
  return { latency: { gateway: latencyGateway, direct: latencyDirect }, max: { gateway: maxGateway, direct: maxDirect } };
}

function printSummary(results: Results): void {
  const addedP99 = round(results.latency.gateway.p99_ms - results.latency.direct.p99_ms);
  const ratio = round(results.max.gateway.throughput_req_s / results.max.direct.throughput_req_s);
  const failures = [results.latency.gateway, results.max.gateway].reduce((sum, r) => sum + r.non_2xx + r.errors, 0);
  const summary = {
    scenario: "summary",
    added_p99_ms_at_2k: addedP99,
    added_p99_target_ms: TARGET_ADDED_P99_MS,
    added_p99: addedP99 <= TARGET_ADDED_P99_MS ? "PASS" : "FAIL",
    throughput_ratio: ratio,
    throughput_ratio_target: TARGET_THROUGHPUT_RATIO,
    throughput: ratio >= TARGET_THROUGHPUT_RATIO ? "PASS" : "FAIL",
    gateway_failed_requests: failures,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (failures > 0) process.stderr.write("gateway answered non-2xx or failed requests: the figures do not measure the happy path\n");
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

await main();
