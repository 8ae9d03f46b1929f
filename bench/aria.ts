/**
 * Aria benchmark (issue 8): `npx tsx bench/aria.ts` (about a minute; BENCH_REQUESTS, default 300
 * per scenario). Needs the real PostgreSQL and Redis (DATABASE_ADMIN_URL / REDIS_URL override the
 * local defaults).
 *
 * Shield, the api and aria run as child processes (their built main.js) on one fresh database; a
 * fake OpenAI (test/fakes, the real wire format) runs in this process, answering 20 tokens, the
 * first after 20 ms and one every 2 ms after it. The same generation is asked two ways in the same
 * run, alternately, one at a time:
 *   - direct: the official OpenAI SDK against the fake;
 *   - aria:   POST /api/v1/ai/generate straight to aria (token check, the api's permission answer,
 *             quota, usage record and AiEvents through the outbox, then the same SDK call).
 * Streaming (time to the first token, and to the end) and non-streaming (to the whole answer).
 * Prints one JSON line per scenario, then a summary: aria's added latency at p95 (aria p95 - direct
 * p95) for the first token and the total, PASS when each is at most 5 ms.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import OpenAI from "openai";
import { startOpenAiFake } from "../test/fakes/openaiFake.js";
import { admin, databaseUrl } from "./lib/adminDatabase.js";
import { latencyFigures } from "./lib/gatewayLoad.js";
import { processCpuMs, type BenchChild } from "./lib/gatewayProcesses.js";
import { ROOT, buildServices, cpuProfileFlags, passwordGrant, postJson, signUp, startService } from "./lib/services.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SERVICE_KEY = randomBytes(24).toString("hex");
const FAKE_KEY = "bench-key";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const WARMUP = 100;
const TARGET_ADDED_P95_MS = 5;
const REPLY = Array.from({ length: 20 }, (_, i) => `word${i}`).join(" ");

interface Timing {
  firstMs: number;
  totalMs: number;
}

async function main(): Promise<void> {
  buildServices("services/shield", "services/api", "services/aria");
  const dbName = `materi_bench_aria_${randomBytes(4).toString("hex")}`;
  const dataDir = `/tmp/${dbName}`;
  await admin(`create database "${dbName}"`);
  const fake = await startOpenAiFake({ apiKey: FAKE_KEY, reply: REPLY, firstTokenDelayMs: 20, tokenDelayMs: 2 });
  const children: BenchChild[] = [];
  try {
    const common = { PATH: process.env.PATH, PORT: "0", LOG_LEVEL: "warn", DATABASE_URL: databaseUrl(dbName), REDIS_URL, SERVICE_KEYS: SERVICE_KEY, MATERI_DATA_DIR: dataDir };
    const shield = await start(children, "shield", { ...common, SHIELD_CONSUMER_GROUP: `bench-${dbName}`, SHIELD_REDIS_PREFIX: `bench:${dbName}` });
    const api = await start(children, "api", { ...common, SHIELD_URL: shield, API_CONSUMER_GROUP: `bench-${dbName}` });
    const aria = await start(children, "aria", {
      ...common,
      SHIELD_URL: shield,
      API_URL: api,
      OPENAI_API_KEY: FAKE_KEY,
      OPENAI_BASE_URL: `${fake.origin}/v1`,
      AI_DAILY_TOKEN_QUOTA: String(1e12),
    });
    const token = (await passwordGrant(shield, await signUp(shield))).access_token;
    const workspace = (await postJson(`${api}/api/v1/workspaces`, { name: "Bench" }, token)) as { id: string };
    const sdk = new OpenAI({ apiKey: FAKE_KEY, baseURL: `${fake.origin}/v1`, maxRetries: 0 });
    const viaAria = (stream: boolean) => () => ariaCall(aria, token, workspace.id, stream);
    const cpu = { aria: processCpuMs(children[2]?.process.pid), api: processCpuMs(children[1]?.process.pid) };
    const pairs = [
      { scenario: "stream", direct: () => directStream(sdk), aria: viaAria(true) },
      { scenario: "json", direct: () => directJson(sdk), aria: viaAria(false) },
    ];
    // Every path warm (JIT, pools, the api's consumers past their start) before anything is measured.
    for (const pair of pairs) {
      for (let i = 0; i < WARMUP; i++) {
        await pair.direct();
        await pair.aria();
      }
    }
    const results: Result[] = [];
    for (const pair of pairs) results.push(...(await measurePair(pair.scenario, pair.direct, pair.aria, cpu)));
    printSummary(results);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await fake.close();
    await admin(`drop database if exists "${dbName}" with (force)`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function start(children: BenchChild[], name: string, env: NodeJS.ProcessEnv): Promise<string> {
  // BENCH_PROFILE=1 writes each service's CPU profile to $TMPDIR/materi-bench-profiles/.
  const { child, url } = await startService(name, [...cpuProfileFlags(name), `${ROOT}services/${name}/dist/main.js`], env);
  children.push(child);
  return url;
}

// The prompt aria would send for operation "write": the same bytes on both paths.
const messages = [{ role: "user" as const, content: "Write the following.\n\nInstruction: A line about tea." }];

async function directStream(sdk: OpenAI): Promise<Timing> {
  const started = performance.now();
  let firstMs = Number.NaN;
  const stream = await sdk.chat.completions.create({ model: "gpt-4.1-mini", messages, stream: true, stream_options: { include_usage: true } });
  for await (const chunk of stream) {
    if (Number.isNaN(firstMs) && chunk.choices[0]?.delta.content) firstMs = performance.now() - started;
  }
  return { firstMs, totalMs: performance.now() - started };
}

async function directJson(sdk: OpenAI): Promise<Timing> {
  const started = performance.now();
  await sdk.chat.completions.create({ model: "gpt-4.1-mini", messages });
  const totalMs = performance.now() - started;
  return { firstMs: totalMs, totalMs };
}

async function ariaCall(aria: string, token: string, workspaceId: string, stream: boolean): Promise<Timing> {
  const started = performance.now();
  const res = await fetch(`${aria}/api/v1/ai/generate`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ workspace_id: workspaceId, operation: "write", prompt: "A line about tea.", stream }),
  });
  if (res.status !== 200) throw new Error(`aria answered ${res.status}: ${await res.text()}`);
  if (!stream) {
    await res.json();
    const totalMs = performance.now() - started;
    return { firstMs: totalMs, totalMs };
  }
  let firstMs = Number.NaN;
  let body = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    body += decoder.decode(chunk as Uint8Array, { stream: true });
    if (Number.isNaN(firstMs) && body.includes("event: token")) firstMs = performance.now() - started;
  }
  if (!body.includes("event: done")) throw new Error(`aria's stream ended without done: ${body.slice(-200)}`);
  return { firstMs, totalMs: performance.now() - started };
}

interface Result {
  scenario: string;
  target: "direct" | "aria";
  requests: number;
  first_token: ReturnType<typeof latencyFigures>;
  total: ReturnType<typeof latencyFigures>;
  /** CPU of the aria and api processes per aria request, background work (outbox, consumers) included; microseconds. */
  aria_cpu_us_per_req?: number | null;
  api_cpu_us_per_req?: number | null;
}

type CpuMeters = Record<"aria" | "api", () => number | null>;

/** Direct and aria requests alternately, one at a time, so both see the same machine. */
async function measurePair(scenario: string, direct: () => Promise<Timing>, aria: () => Promise<Timing>, cpu: CpuMeters): Promise<Result[]> {
  const samples = { direct: [] as Timing[], aria: [] as Timing[] };
  const before = { aria: cpu.aria(), api: cpu.api() };
  for (let i = 0; i < REQUESTS; i++) {
    samples.direct.push(await direct());
    samples.aria.push(await aria());
  }
  const perRequest = (now: number | null, then: number | null) => (now === null || then === null ? null : Math.round(((now - then) * 1000) / REQUESTS));
  const cpuUs = { aria_cpu_us_per_req: perRequest(cpu.aria(), before.aria), api_cpu_us_per_req: perRequest(cpu.api(), before.api) };
  return (["direct", "aria"] as const).map((target) => {
    const result: Result = {
      scenario,
      target,
      requests: REQUESTS,
      first_token: latencyFigures(samples[target].map((t) => t.firstMs)),
      total: latencyFigures(samples[target].map((t) => t.totalMs)),
      ...(target === "aria" ? cpuUs : {}),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result;
  });
}

function printSummary(results: Result[]): void {
  const of = (scenario: string, target: string) => results.find((r) => r.scenario === scenario && r.target === target)!;
  const summary: Record<string, number> = {};
  let pass = true;
  for (const [scenario, measure] of [["stream", "first_token"], ["stream", "total"], ["json", "total"]] as const) {
    const direct = of(scenario, "direct")[measure];
    const aria = of(scenario, "aria")[measure];
    const added = Math.round((aria.p95_ms - direct.p95_ms) * 1000) / 1000;
    summary[`${scenario}_${measure}_direct_p95_ms`] = direct.p95_ms;
    summary[`${scenario}_${measure}_aria_p95_ms`] = aria.p95_ms;
    summary[`${scenario}_${measure}_added_p50_ms`] = Math.round((aria.p50_ms - direct.p50_ms) * 1000) / 1000;
    summary[`${scenario}_${measure}_added_p95_ms`] = added;
    summary[`${scenario}_${measure}_aria_over_direct_p95`] = Math.round((aria.p95_ms / direct.p95_ms) * 100) / 100;
    pass &&= added <= TARGET_ADDED_P95_MS;
  }
  process.stdout.write(`${JSON.stringify({ summary: pass ? "PASS" : "FAIL", target_added_p95_ms: TARGET_ADDED_P95_MS, ...summary })}\n`);
}

await main();
