import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { spawnNode, type BenchChild } from "./gatewayProcesses.js";

/** The repository's root, with a trailing slash. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A child process the bench started, and the URL it serves on. */
export interface StartedService {
  child: BenchChild;
  url: string;
}

/** `tsc -b` of the given workspaces (e.g. "services/api") so a bench measures the current source. */
export function buildServices(...workspaces: string[]): void {
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-b", ...workspaces], { cwd: ROOT, stdio: "inherit" });
}

/**
 * Starts a built service (`node [...flags] services/<name>/dist/main.js`) and resolves with the
 * URL from its "<name> listening on <url>" line (platform runMain).
 */
export async function startService(label: string, args: string[], env: NodeJS.ProcessEnv): Promise<StartedService> {
  const child = await spawnNode({ label, args, env, ready: / listening on / });
  return { child, url: child.readyLine.replace(/^.*listening on /, "").trim() };
}

/** Starts the constant Fastify JSON route (lib/gatewayUpstream.ts) and resolves with its origin. */
export async function startConstantUpstream(label: string): Promise<StartedService> {
  const child = await spawnNode({ label, args: ["--import", "tsx", `${ROOT}bench/lib/gatewayUpstream.ts`], env: { PATH: process.env.PATH }, ready: /"url"/ });
  return { child, url: (JSON.parse(child.readyLine) as { url: string }).url };
}

/** Node flags that write a CPU profile to $TMPDIR/materi-bench-profiles/ when BENCH_PROFILE=1; none otherwise. */
export function cpuProfileFlags(label: string): string[] {
  if (process.env.BENCH_PROFILE !== "1") return [];
  const dir = `${tmpdir()}/materi-bench-profiles`;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`CPU profile of ${label} -> ${dir}\n`);
  return ["--cpu-prof", `--cpu-prof-dir=${dir}`];
}

/** POSTs `body` as JSON (with a bearer token if given) and returns the parsed answer; throws on non-2xx. */
export async function postJson(url: string, body: unknown, token?: string): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

export interface BenchUser {
  email: string;
  password: string;
}

/** Signs a fresh user up at `base` (Shield, or the gateway in front of it). */
export async function signUp(base: string): Promise<BenchUser> {
  const user = { email: `bench-${Date.now()}@example.test`, password: "bench password that is long" };
  await postJson(`${base}/api/v1/users`, { ...user, name: "Bench" });
  return user;
}

/** One login (password grant): a new access token and the head of a new refresh chain. */
export async function passwordGrant(base: string, user: BenchUser): Promise<{ access_token: string; refresh_token: string }> {
  return (await postJson(`${base}/api/v1/auth/token`, { grant_type: "password", username: user.email, password: user.password })) as { access_token: string; refresh_token: string };
}
