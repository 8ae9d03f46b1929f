/**
 * Shield benchmark (issue 5): `npx tsx bench/shield.ts` (about 1 minute). Needs the real
 * PostgreSQL and Redis (DATABASE_ADMIN_URL / REDIS_URL override the local defaults).
 *
 * Shield (built services/shield/dist/main.js) and a constant Fastify JSON route run as separate
 * child processes in the same run, so the comparison shares the machine's state. Every scenario is
 * open loop at a steady rate (lib/shieldPaced.ts: request i leaves at start + i / rate whether or
 * not earlier ones have answered; autocannon's overallRate sends bursts instead). Each target is
 * compared with the constant route at the same rate, in ROUNDS alternating slices (the order flips
 * every round) after a warm-up of each, so background load on the machine hits both alike; each
 * scenario's percentiles are over all its slices' samples pooled (never the better slice):
 *   - POST /internal/validate at 2,000 req/s (one valid EdDSA token, service key);
 *   - grant_type=refresh_token at 200 req/s, and the constant route at 200 req/s. Each request
 *     takes a rotation chain (one login) that is not waiting for an answer and continues it with
 *     the successor it gets back, so every request is a real rotation under row locks, never a
 *     grace-window replay. CHAINS logins are made so one is always free; a due request finding none
 *     counts as an error rather than waiting (that would hide a stall).
 * Each line also has server_cpu_us_per_req: CPU time (user + system) of the answering process per
 * request, from /proc, which machine noise disturbs far less than latency does; at 200 req/s it
 * includes the process's idle work (Shield's event loops: about 20 ms of CPU per second).
 * Prints one JSON line per scenario, then a summary with PASS/FAIL against the targets: validate
 * p95 <= 2x the constant route's (at the same rate) and < 10 ms; refresh p95 < 10 ms. The password
 * grant is not measured here: its cost is argon2id's, by design.
 *
 * BENCH_PROFILE=1 writes a CPU profile of Shield to $TMPDIR/materi-bench-profiles/.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { admin, databaseUrl } from "./lib/adminDatabase.js";
import { processCpuMs, type BenchChild } from "./lib/gatewayProcesses.js";
import { runPaced, summarize, type PacedRequest, type PacedResult, type PacedRun } from "./lib/paced.js";
import { ROOT, buildServices, cpuProfileFlags, passwordGrant, signUp, startConstantUpstream, startService } from "./lib/services.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SERVICE_KEY = randomBytes(24).toString("hex");
/** Measured seconds per scenario, split into ROUNDS slices. */
const MEASURE_S = 10;
const ROUNDS = 5;
const WARMUP_S = 3;
/** Keep-alive connections the paced runner may open per scenario. */
const CONNECTIONS = 32;
/** Refresh chains (logins); at 200 req/s and ~2 ms each, a handful are busy at once. */
const CHAINS = 48;

interface Scenario {
  scenario: string;
  origin: string;
  rate: number;
  next: () => PacedRequest | undefined;
  /** CPU time (user + system, all threads) of the process answering, in ms; null when unknown. */
  serverCpuMs: () => number | null;
}

/** A scenario's figures plus the answering process's CPU time per request (robust to machine noise). */
type ScenarioResult = PacedResult & { server_cpu_us_per_req: number | null };

async function main(): Promise<void> {
  buildServices("services/shield");
  const dbName = `materi_bench_shield_${randomBytes(4).toString("hex")}`;
  await admin(`create database "${dbName}"`);
  const children: BenchChild[] = [];
  try {
    const constant = await startConstantUpstream("constant");
    children.push(constant.child);
    const constantUrl = `${constant.url}/api/v1/documents/bench`;
    const shield = await startService("shield", [...cpuProfileFlags("shield"), `${ROOT}services/shield/dist/main.js`], shieldEnv(dbName));
    children.push(shield.child);
    const shieldUrl = shield.url;
    const chains = await loginChains(shieldUrl, CHAINS);
    const cpu = { constant: processCpuMs(constant.child.process.pid), shield: processCpuMs(shield.child.process.pid) };
    const { constant2k, validate, constant200, refresh } = scenarios(shieldUrl, constantUrl, chains, cpu);
    const results = [...(await comparePair(constant2k, validate)), ...(await comparePair(constant200, refresh))];
    printSummary(results);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await admin(`drop database if exists "${dbName}" with (force)`);
    await forgetRedisState(dbName);
  }
}

/** A leftover consumer group would hold back trimming of the shared documents stream for good. */
async function forgetRedisState(dbName: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    await redis.xgroup("DESTROY", "materi:events:documents", `bench-${dbName}`).catch(() => undefined);
    const keys = await redis.keys(`bench:shield:${dbName}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

function shieldEnv(dbName: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    PORT: "0",
    LOG_LEVEL: "warn",
    DATABASE_URL: databaseUrl(dbName),
    REDIS_URL,
    SERVICE_KEYS: SERVICE_KEY,
    SHIELD_REDIS_PREFIX: `bench:shield:${dbName}`,
    SHIELD_CONSUMER_GROUP: `bench-${dbName}`,
    MATERI_DATA_DIR: `/tmp/${dbName}`,
  };
}

/** The latest token of each rotation chain, and whether a request of that chain is in flight. */
interface Chains {
  access: string;
  refresh: string[];
  busy: boolean[];
}

/** Signs one user up and logs in `count` times: one refresh chain per login. */
async function loginChains(base: string, count: number): Promise<Chains> {
  const user = await signUp(base);
  const refresh: string[] = [];
  let access = "";
  for (let i = 0; i < count; i++) {
    const grant = await passwordGrant(base, user);
    access = grant.access_token;
    refresh.push(grant.refresh_token);
  }
  return { access, refresh, busy: refresh.map(() => false) };
}

function scenarios(shieldUrl: string, constantUrl: string, chains: Chains, cpu: Record<"constant" | "shield", () => number | null>): Record<"constant2k" | "validate" | "constant200" | "refresh", Scenario> {
  const validate: PacedRequest = {
    method: "POST",
    path: "/internal/validate",
    headers: { "content-type": "application/json", "x-service-key": SERVICE_KEY },
    body: JSON.stringify({ token: chains.access }),
  };
  const constant: PacedRequest = { method: "GET", path: new URL(constantUrl).pathname };
  const constantOrigin = new URL(constantUrl).origin;
  return {
    constant2k: { scenario: "constant@2000", origin: constantOrigin, rate: 2_000, next: () => constant, serverCpuMs: cpu.constant },
    validate: { scenario: "validate@2000", origin: shieldUrl, rate: 2_000, next: () => validate, serverCpuMs: cpu.shield },
    constant200: { scenario: "constant@200", origin: constantOrigin, rate: 200, next: () => constant, serverCpuMs: cpu.constant },
    refresh: { scenario: "refresh@200", origin: shieldUrl, rate: 200, next: () => refreshRequest(chains), serverCpuMs: cpu.shield },
  };
}

/**
 * The next rotation of a chain with no request in flight; its answer's successor becomes the
 * chain's token. A failed rotation leaves the chain busy for good (its token is spent): it shows as
 * non-2xx here and, if chains run out, as errors.
 */
function refreshRequest(chains: Chains): PacedRequest | undefined {
  const index = chains.busy.indexOf(false);
  if (index < 0) return undefined;
  chains.busy[index] = true;
  return {
    method: "POST",
    path: "/api/v1/auth/token",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "refresh_token", refresh_token: chains.refresh[index] }),
    onAnswer: (status, body) => {
      if (status !== 200) return;
      chains.refresh[index] = (JSON.parse(body) as { refresh_token: string }).refresh_token;
      chains.busy[index] = false;
    },
  };
}

function load(scenario: Scenario, durationS: number): Promise<PacedRun> {
  return runPaced({ origin: scenario.origin, rate: scenario.rate, durationS, connections: CONNECTIONS, next: scenario.next });
}

/** Warms both up, then measures them in alternating slices; one JSON line each. */
async function comparePair(constant: Scenario, target: Scenario): Promise<ScenarioResult[]> {
  await load(constant, WARMUP_S);
  await load(target, WARMUP_S);
  const runs = new Map<Scenario, { runs: PacedRun[]; cpuMs: number | null }>([
    [constant, { runs: [], cpuMs: 0 }],
    [target, { runs: [], cpuMs: 0 }],
  ]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of round % 2 === 0 ? [constant, target] : [target, constant]) {
      const entry = runs.get(scenario)!;
      const before = scenario.serverCpuMs();
      entry.runs.push(await load(scenario, MEASURE_S / ROUNDS));
      const after = scenario.serverCpuMs();
      entry.cpuMs = entry.cpuMs === null || before === null || after === null ? null : entry.cpuMs + after - before;
    }
  }
  return [constant, target].map((scenario) => {
    const { runs: slices, cpuMs } = runs.get(scenario)!;
    const result = summarize(scenario.scenario, scenario.rate, slices);
    const perReq = cpuMs === null ? null : Math.round((cpuMs * 1000) / result.requests);
    const line = { ...result, server_cpu_us_per_req: perReq };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return line;
  });
}


function printSummary(results: ScenarioResult[]): void {
  const by = (name: string) => results.find((r) => r.scenario === name)!;
  const validate = by("validate@2000");
  const refresh = by("refresh@200");
  const constant = by("constant@2000");
  const checks = {
    validate_p95_vs_constant: validate.p95_ms <= 2 * constant.p95_ms,
    validate_p95_under_10ms: validate.p95_ms < 10,
    refresh_p95_under_10ms: refresh.p95_ms < 10,
    no_errors: results.every((r) => r.non_2xx === 0 && r.errors === 0),
  };
  const verdict = Object.values(checks).every(Boolean) ? "PASS" : "FAIL";
  const ratio = Math.round((validate.p95_ms / constant.p95_ms) * 100) / 100;
  process.stdout.write(
    `${JSON.stringify({ summary: verdict, ...checks, validate_p95_ms: validate.p95_ms, constant_p95_ms: constant.p95_ms, validate_to_constant_p95: ratio, refresh_p95_ms: refresh.p95_ms })}\n`,
  );
}

await main();
