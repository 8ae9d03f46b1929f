import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Launched {
  child: ChildProcess;
  /** Service name -> base URL, as the launcher printed them. */
  urls: Record<string, string>;
  output(): string;
  /** SIGTERM, then the exit code (or the signal that ended it). */
  stop(): Promise<number | string | null>;
}

/** Variables a test must not inherit from the developer's shell, so "embedded" means embedded. */
const SERVICE_VARS = ["DATABASE_URL", "REDIS_URL", "SERVICE_KEYS", "MATERI_DATA_DIR", "OTEL_EXPORTER_OTLP_ENDPOINT"];

export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), "materi-e2e-"));
}

/**
 * Runs the built launcher (`npm start`'s process) on free ports and waits for it to print
 * where each service listens.
 */
export async function launchAll(env: Record<string, string>, timeoutMs = 60_000): Promise<Launched> {
  const cleanEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SERVICE_VARS) delete cleanEnv[name];
  const child = spawn(process.execPath, [path.join(ROOT, "packages/launcher/dist/main.js")], {
    cwd: ROOT,
    env: {
      ...cleanEnv,
      LOG_LEVEL: "warn",
      GATEWAY_PORT: "0",
      SHIELD_PORT: "0",
      RELAY_PORT: "0",
      ARIA_PORT: "0",
      API_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`launcher did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const found = [...out.matchAll(/^ {2}(\w+)\s+(http:\/\/\S+)$/gm)];
      if (/Ctrl-C stops everything/.test(out) && found.length >= 5) {
        clearTimeout(timer);
        resolve(Object.fromEntries(found.map((m) => [m[1], m[2]])));
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`launcher exited (${code}) before starting:\n${out}`));
    });
  });
  return {
    child,
    urls,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
