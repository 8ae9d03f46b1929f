/**
 * Shield benchmark (issue 5): `npx tsx bench/shield.ts` (about 1 minute). Needs the real
 * PostgreSQL and Redis (DATABASE_ADMIN_URL / REDIS_URL override the local defaults).
 *
 * Shield (built services/shield/dist/main.js) and a constant Fastify JSON route run as separate
 * child processes in the same run, so the comparison shares the machine's state. Scenarios:
 *   - POST /internal/validate at a steady 2,000 req/s (one valid EdDSA token, service key);
 *   - grant_type=refresh_token at a steady 200 req/s: each connection follows its own rotation
 *     chain (the successor of each answer is the next request's token), so every request is a
 *     real rotation under row locks, never a grace-window replay;
 *   - the constant route at both rates.
 * Prints one JSON line per scenario, then a summary with PASS/FAIL against the targets: validate
 * p95 <= 2x the constant route's and < 10 ms; refresh p95 < 10 ms. The password grant is not
 * measured here: its cost is argon2id's, by design.
 */
import autocannon from "autocannon";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { spawnNode, type BenchChild } from "./lib/gatewayProcesses.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ADMIN_URL = process.env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SERVICE_KEY = randomBytes(24).toString("hex");
const MEASURE_S = 10;
const WARMUP_S = 2;
const CONNECTIONS = 10;

interface Scenario {
  scenario: string;
  url: string;
  rate: number;
  requests: autocannon.Request[];
}

interface ScenarioResult {
  scenario: string;
  rate_req_s: number;
  requests: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  non_2xx: number;
  errors: number;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-b", "services/shield"], { cwd: ROOT, stdio: "inherit" });
  const dbName = `materi_bench_shield_${randomBytes(4).toString("hex")}`;
  await admin(`create database "${dbName}"`);
  const children: BenchChild[] = [];
  try {
    const constant = await spawnNode({ label: "constant", args: ["--import", "tsx", `${ROOT}bench/lib/gatewayUpstream.ts`], env: { PATH: process.env.PATH }, ready: /"url"/ });
    children.push(constant);
    const constantUrl = `${(JSON.parse(constant.readyLine) as { url: string }).url}/api/v1/documents/bench`;
    const shield = await spawnNode({ label: "shield", args: [`${ROOT}services/shield/dist/main.js`], env: shieldEnv(dbName), ready: /shield listening/ });
    children.push(shield);
    const shieldUrl = shield.readyLine.replace(/^.*listening on /, "").trim();
    const chains = await loginChains(shieldUrl, CONNECTIONS);
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios(shieldUrl, constantUrl, chains)) {
      await load(scenario, WARMUP_S);
      const result = await load(scenario, MEASURE_S);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      results.push(result);
    }
    printSummary(results);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await admin(`drop database if exists "${dbName}" with (force)`);
  }
}

function shieldEnv(dbName: string): NodeJS.ProcessEnv {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  return {
    PATH: process.env.PATH,
    PORT: "0",
    LOG_LEVEL: "warn",
    DATABASE_URL: url.toString(),
    REDIS_URL,
    SERVICE_KEYS: SERVICE_KEY,
    SHIELD_REDIS_PREFIX: `bench:shield:${dbName}`,
    SHIELD_CONSUMER_GROUP: `bench-${dbName}`,
    MATERI_DATA_DIR: `/tmp/${dbName}`,
  };
}

/** Signs one user up and logs in `count` times: one refresh chain per connection. */
async function loginChains(base: string, count: number): Promise<{ access: string; refresh: string[] }> {
  const email = `bench-${Date.now()}@example.test`;
  const password = "bench password that is long";
  await post(`${base}/api/v1/users`, { email, password, name: "Bench" });
  const refresh: string[] = [];
  let access = "";
  for (let i = 0; i < count; i++) {
    const grant = (await post(`${base}/api/v1/auth/token`, { grant_type: "password", username: email, password })) as { access_token: string; refresh_token: string };
    access = grant.access_token;
    refresh.push(grant.refresh_token);
  }
  return { access, refresh };
}

function scenarios(shieldUrl: string, constantUrl: string, chains: { access: string; refresh: string[] }): Scenario[] {
  const validate: autocannon.Request = {
    method: "POST",
    path: "/internal/validate",
    headers: { "content-type": "application/json", "x-service-key": SERVICE_KEY },
    body: JSON.stringify({ token: chains.access }),
  };
  let nextChain = 0;
  // The chain's latest token lives outside autocannon's per-run context, so the measured run
  // continues the rotation the warm-up left, instead of replaying spent tokens.
  type Chain = { index?: number };
  const refresh: autocannon.Request = {
    method: "POST",
    path: "/api/v1/auth/token",
    headers: { "content-type": "application/json" },
    setupRequest: (request, context) => {
      const chain = context as Chain;
      chain.index ??= nextChain++ % chains.refresh.length;
      return { ...request, body: JSON.stringify({ grant_type: "refresh_token", refresh_token: chains.refresh[chain.index] }) };
    },
    onResponse: (status, body, context) => {
      const index = (context as Chain).index;
      if (status === 200 && index !== undefined) chains.refresh[index] = (JSON.parse(body) as { refresh_token: string }).refresh_token;
    },
  };
  const constant: autocannon.Request = { method: "GET", path: new URL(constantUrl).pathname };
  return [
    { scenario: "constant@2000", url: new URL(constantUrl).origin, rate: 2_000, requests: [constant] },
    { scenario: "validate@2000", url: shieldUrl, rate: 2_000, requests: [validate] },
    { scenario: "constant@200", url: new URL(constantUrl).origin, rate: 200, requests: [constant] },
    { scenario: "refresh@200", url: shieldUrl, rate: 200, requests: [refresh] },
  ];
}

/** autocannon at a fixed overall rate; percentiles from every 2xx response time (µs precision). */
async function load(scenario: Scenario, durationS: number): Promise<ScenarioResult> {
  const samples: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: scenario.url, connections: CONNECTIONS, duration: durationS, overallRate: scenario.rate, requests: scenario.requests },
      (err, done) => (err ? reject(err) : resolve(done)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
    });
  });
  samples.sort((a, b) => a - b);
  const at = (q: number) => Math.round((samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN) * 1000) / 1000;
  return {
    scenario: scenario.scenario,
    rate_req_s: scenario.rate,
    requests: result.requests.total,
    p50_ms: at(0.5),
    p95_ms: at(0.95),
    p99_ms: at(0.99),
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
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
  process.stdout.write(`${JSON.stringify({ summary: verdict, ...checks, validate_p95_ms: validate.p95_ms, constant_p95_ms: constant.p95_ms, refresh_p95_ms: refresh.p95_ms })}\n`);
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

await main();
