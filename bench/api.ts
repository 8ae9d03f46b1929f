/**
 * API benchmark (issue 6): `npm run bench:api` (about 1.5 minutes). Needs the real PostgreSQL and
 * Redis (DATABASE_ADMIN_URL / REDIS_URL override the local defaults).
 *
 * Shield, the api and the gateway run as separate child processes (their built main.js) on one
 * fresh database. One user, one workspace, 32 documents of a few paragraphs each. Scenarios, each at
 * a steady 300 req/s (open loop: request i leaves at start + i/300 whether or not earlier ones have
 * answered), through the gateway and straight to the api in the same run, requests going round
 * the documents:
 *   - GET /api/v1/documents/{id} (metadata + content as Markdown and ProseMirror JSON);
 *   - PATCH /api/v1/documents/{id} {title} (a metadata transaction with its outbox event).
 * Why several documents: a rename locks the document's row until its commit (strong consistency),
 * so 300 renames a second of ONE document measure one row's commit rate (each commit a WAL flush;
 * about 160/s on this VM), not the service.
 * Prints one JSON line per scenario, then a summary with PASS/FAIL against the targets: p95 at most
 * 5 ms through the gateway, and at most 2 ms added by the gateway (gateway p95 - direct p95).
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { admin, databaseUrl } from "./lib/adminDatabase.js";
import { processCpuMs, type BenchChild } from "./lib/gatewayProcesses.js";
import { runPaced, summarize, type PacedRequest, type PacedResult } from "./lib/paced.js";
import { ROOT, buildServices, passwordGrant, postJson, signUp, startService } from "./lib/services.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SERVICE_KEY = randomBytes(24).toString("hex");
const RATE = 300;
const MEASURE_S = 10;
const WARMUP_S = 3;
const CONNECTIONS = 16;
const TARGET_GATEWAY_P95_MS = 5;
const TARGET_ADDED_P95_MS = 2;
const DOCUMENTS = 32;

async function main(): Promise<void> {
  buildServices("services/shield", "services/api", "services/gateway");
  const dbName = `materi_bench_api_${randomBytes(4).toString("hex")}`;
  const dataDir = `/tmp/${dbName}`;
  await admin(`create database "${dbName}"`);
  const children: BenchChild[] = [];
  try {
    const common = serviceEnv(dbName, dataDir);
    const shield = await start(children, "shield", `${ROOT}services/shield/dist/main.js`, { ...common, SHIELD_CONSUMER_GROUP: `bench-${dbName}`, SHIELD_REDIS_PREFIX: `bench:${dbName}` });
    const api = await start(children, "api", `${ROOT}services/api/dist/main.js`, { ...common, SHIELD_URL: shield, API_CONSUMER_GROUP: `bench-${dbName}` });
    const gateway = await start(children, "gateway", `${ROOT}services/gateway/dist/main.js`, {
      PATH: process.env.PATH,
      PORT: "0",
      LOG_LEVEL: "warn",
      REDIS_URL,
      SERVICE_KEYS: SERVICE_KEY,
      SHIELD_URL: shield,
      API_URL: api,
      ARIA_URL: "http://127.0.0.1:1",
      RELAY_URL: "http://127.0.0.1:1",
      // The limit is on (its cost is part of the gateway's), set above the bench's rate.
      RATE_LIMIT_REQUESTS: "1000000",
    });
    const { token, documentIds } = await fixture(gateway);
    const results: Result[] = [];
    const [, apiChild, gatewayChild] = children;
    const cpu = { api: processCpuMs(apiChild!.process.pid), gateway: processCpuMs(gatewayChild!.process.pid) };
    for (const [name, target, origin] of [["get", "gateway", gateway], ["get", "direct", api], ["patch", "gateway", gateway], ["patch", "direct", api]] as const) {
      const next = requestsFor(name, token, documentIds);
      const run = (durationS: number) => runPaced({ origin, rate: RATE, durationS, connections: CONNECTIONS, next });
      await run(WARMUP_S);
      const before = { api: cpu.api(), gateway: cpu.gateway() };
      const measured = await run(MEASURE_S);
      // CPU per request of each process, background work (outbox, consumers) included.
      const perRequest = (now: number | null, then: number | null) => (now === null || then === null ? null : Math.round(((now - then) * 1000) / measured.requests));
      const result = {
        ...summarize(`${name}@${RATE}`, RATE, [measured]),
        target,
        api_cpu_us_per_req: perRequest(cpu.api(), before.api),
        gateway_cpu_us_per_req: target === "gateway" ? perRequest(cpu.gateway(), before.gateway) : 0,
      };
      process.stdout.write(`${JSON.stringify(result)}\n`);
      results.push(result);
    }
    printSummary(results);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await admin(`drop database if exists "${dbName}" with (force)`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

function serviceEnv(dbName: string, dataDir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, PORT: "0", LOG_LEVEL: "warn", DATABASE_URL: databaseUrl(dbName), REDIS_URL, SERVICE_KEYS: SERVICE_KEY, MATERI_DATA_DIR: dataDir };
}

/** Starts a built service and returns the URL it printed. */
async function start(children: BenchChild[], label: string, main: string, env: NodeJS.ProcessEnv): Promise<string> {
  // BENCH_PROFILE=api (or shield, gateway) writes that service's CPU profile to the working directory.
  const profile = process.env.BENCH_PROFILE === label ? ["--cpu-prof"] : [];
  const { child, url } = await startService(label, [...profile, main], env);
  children.push(child);
  return url;
}

async function fixture(gateway: string): Promise<{ token: string; documentIds: string[] }> {
  const token = (await passwordGrant(gateway, await signUp(gateway))).access_token;
  const workspace = (await postJson(`${gateway}/api/v1/workspaces`, { name: "Bench" }, token)) as { id: string };
  const content = Array.from({ length: 8 }, (_, i) => `## Section ${i + 1}\n\nA paragraph of **bench** text, number ${i + 1}, long enough to look like a note.`).join("\n\n");
  const documentIds: string[] = [];
  for (let i = 0; i < DOCUMENTS; i++) {
    const doc = (await postJson(`${gateway}/api/v1/documents`, { workspace_id: workspace.id, title: `Bench document ${i}`, content }, token)) as { id: string };
    documentIds.push(doc.id);
  }
  return { token, documentIds };
}

type Result = PacedResult & { target: "gateway" | "direct" };

/** The scenario's request stream, round the documents: a GET, or a PATCH with a new title each time. */
function requestsFor(name: "get" | "patch", token: string, documentIds: string[]): () => PacedRequest {
  const headers = { authorization: `Bearer ${token}` };
  let n = 0;
  return () => {
    const path = `/api/v1/documents/${documentIds[n % documentIds.length]}`;
    n += 1;
    if (name === "get") return { method: "GET", path, headers };
    return { method: "PATCH", path, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ title: `Bench document ${n}` }) };
  };
}

function printSummary(results: Result[]): void {
  const p95 = (scenario: string, target: string) => results.find((r) => r.scenario === scenario && r.target === target)!.p95_ms;
  const summary: Record<string, unknown> = {};
  let pass = results.every((r) => r.non_2xx === 0 && r.errors === 0);
  for (const name of ["get", "patch"]) {
    const gateway = p95(`${name}@${RATE}`, "gateway");
    const direct = p95(`${name}@${RATE}`, "direct");
    const added = Math.round((gateway - direct) * 1000) / 1000;
    summary[`${name}_gateway_p95_ms`] = gateway;
    summary[`${name}_direct_p95_ms`] = direct;
    summary[`${name}_added_p95_ms`] = added;
    summary[`${name}_gateway_over_direct_p95`] = Math.round((gateway / direct) * 100) / 100;
    pass &&= gateway <= TARGET_GATEWAY_P95_MS && added <= TARGET_ADDED_P95_MS;
  }
  process.stdout.write(`${JSON.stringify({ summary: pass ? "PASS" : "FAIL", targets: { gateway_p95_ms: TARGET_GATEWAY_P95_MS, added_p95_ms: TARGET_ADDED_P95_MS }, ...summary })}\n`);
}

await main();
