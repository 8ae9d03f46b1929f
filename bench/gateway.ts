/**
 * Gateway overhead benchmark: `npx tsx bench/gateway.ts` (about 1 minute).
 *
 * The gateway (built services/gateway/dist/main.js) and a constant Fastify JSON upstream run as
 * separate child processes; Redis-backed rate limiting is on (limit high enough not to trip) and
 * every request carries a valid EdDSA access token, so the measured path is the real hot path:
 * client address, JWT (cached), Redis rate-limit round trip, proxy over an undici keep-alive pool.
 *
 * Each scenario runs twice, alternating direct and gateway, so a burst of background load on the
 * machine hits both targets alike; the summary takes each target's better round. Prints one JSON
 * line per run, then a summary line with PASS/FAIL against the targets: added p99 at 2,000 req/s
 * <= 1 ms, and gateway/direct max throughput >= 0.35.
 *
 * Fixed rate: autocannon enforces overallRate per connection per second (each connection sends
 * its share back to back, then waits for the next second), so the connection count is the
 * concurrency of those bursts. 10 (autocannon's default) is used; a steady 2,000 req/s stream at
 * sub-millisecond latency has a concurrency of about 1 to 2 (Little's law), so this is conservative.
 *
 * BENCH_PROFILE=1 writes a CPU profile of the gateway to $TMPDIR/materi-bench-profiles/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { spawnNode, type BenchChild } from "./lib/gatewayProcesses.js";
import { startJwks } from "./lib/gatewayJwks.js";
import { runLoad, type LoadOptions, type LoadResult } from "./lib/gatewayLoad.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ROUTE = "/api/v1/documents/bench";
const FIXED_RATE = 2_000;
const TARGET_ADDED_P99_MS = 1;
const TARGET_THROUGHPUT_RATIO = 0.35;
/** Seconds per measured scenario, and per warm-up. */
const MEASURE_S = 10;
const WARMUP_S = 3;
const ROUNDS = 2;
/** Connections of the fixed-rate scenario (see above) and of the open-loop one. */
const FIXED_RATE_CONNECTIONS = 10;
const MAX_CONNECTIONS = 50;

async function main(): Promise<void> {
  buildGateway();
  const keys = await startJwks({ issuer: "materi", audience: "materi" });
  const children: BenchChild[] = [];
  try {
    const upstream = await spawnNode({
      label: "upstream",
      args: ["--import", "tsx", `${ROOT}bench/lib/gatewayUpstream.ts`],
      env: { PATH: process.env.PATH },
      ready: /"url"/,
    });
    children.push(upstream);
    const upstreamUrl = (JSON.parse(upstream.readyLine) as { url: string }).url;
    const gateway = await spawnNode({ label: "gateway", args: gatewayArgs(), env: gatewayEnv(upstreamUrl, keys.jwksUrl), ready: /listening on/ });
    children.push(gateway);
    const gatewayUrl = gateway.readyLine.replace(/^.*listening on /, "").trim();
    const cpu = { gateway: processCpuMs(gateway.process.pid), direct: processCpuMs(upstream.process.pid) };
    const results = await runScenarios(`${gatewayUrl}${ROUTE}`, `${upstreamUrl}${ROUTE}`, keys.token, cpu);
    printSummary(results);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await keys.close();
  }
}

/** Builds dist/ first so the bench measures the current source; an existing build is used if that fails. */
function buildGateway(): void {
  try {
    execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-b", "services/gateway"], { cwd: ROOT, stdio: "inherit" });
  } catch {
    if (!existsSync(`${ROOT}services/gateway/dist/main.js`)) throw new Error("services/gateway does not build and has no dist/ to run");
    process.stderr.write("build failed: measuring the existing services/gateway/dist\n");
  }
}

function gatewayArgs(): string[] {
  const args = [`${ROOT}services/gateway/dist/main.js`];
  if (process.env.BENCH_PROFILE !== "1") return args;
  const dir = `${tmpdir()}/materi-bench-profiles`;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`gateway CPU profile goes to ${dir}\n`);
  return ["--cpu-prof", `--cpu-prof-dir=${dir}`, ...args];
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

type Target = "gateway" | "direct";
type Load = (options: Omit<LoadOptions, "headers" | "url" | "target">, target: Target) => Promise<LoadResult & { server_cpu_us_per_req: number | null }>;

async function runScenarios(gatewayUrl: string, directUrl: string, token: string, cpu: Record<Target, () => number | null>): Promise<Results> {
  const headers = { authorization: `Bearer ${token}` };
  // CPU of the process answering (the gateway alone, or the upstream when direct): robust to load
  // on the rest of the machine, unlike req/s.
  const load: Load = async (options, target) => {
    const before = cpu[target]();
    const result = await runLoad({ ...options, target, url: target === "gateway" ? gatewayUrl : directUrl, headers });
    const after = cpu[target]();
    const perRequest = before === null || after === null ? null : Math.round(((after - before) * 1000) / result.requests);
    return { ...result, server_cpu_us_per_req: perRequest };
  };
  // Warm-up: JIT, keep-alive pools, JWKS fetch and token cache, Redis script load.
  for (const target of ["gateway", "direct"] as const) await load({ scenario: "warmup", connections: MAX_CONNECTIONS, durationS: WARMUP_S }, target);
  const fixed = { scenario: "latency_at_2k", connections: FIXED_RATE_CONNECTIONS, durationS: MEASURE_S, overallRate: FIXED_RATE };
  const latency = await alternate(load, fixed, (r) => -r.p99_ms);
  const max = await alternate(load, { scenario: "max_throughput", connections: MAX_CONNECTIONS, durationS: MEASURE_S }, (r) => r.throughput_req_s);
  return { latency, max };
}

/** Runs a scenario ROUNDS times per target, alternating, prints each run, returns each target's best. */
async function alternate(
  load: Load,
  options: Omit<LoadOptions, "headers" | "url" | "target">,
  score: (result: LoadResult) => number,
): Promise<{ gateway: LoadResult; direct: LoadResult }> {
  const runs: Record<"gateway" | "direct", LoadResult[]> = { gateway: [], direct: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of ["direct", "gateway"] as const) {
      const result = await load(options, target);
      process.stdout.write(`${JSON.stringify({ ...result, round })}\n`);
      runs[target].push(result);
    }
  }
  const best = (list: LoadResult[]) => list.reduce((a, b) => (score(b) > score(a) ? b : a));
  return { gateway: best(runs.gateway), direct: best(runs.direct) };
}

function printSummary(results: Results): void {
  const addedP99 = round(results.latency.gateway.p99_ms - results.latency.direct.p99_ms);
  const ratio = round(results.max.gateway.throughput_req_s / results.max.direct.throughput_req_s);
  const failures = [results.latency.gateway, results.max.gateway].reduce((sum, r) => sum + r.non_2xx + r.errors, 0);
  const summary = {
    scenario: "summary",
    p99_ms_at_2k: { direct: results.latency.direct.p99_ms, gateway: results.latency.gateway.p99_ms },
    max_req_s: { direct: results.max.direct.throughput_req_s, gateway: results.max.gateway.throughput_req_s },
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

/** User + system CPU time of a process in ms, from /proc (Linux); null elsewhere. */
function processCpuMs(pid: number | undefined): () => number | null {
  const ticksMs = 10; // USER_HZ is 100 on Linux.
  return () => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return (Number(fields[11]) + Number(fields[12])) * ticksMs;
    } catch {
      // Not Linux, or the process is gone: the figure is simply not reported.
      return null;
    }
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

await main();
