import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../helpers/postgres.js";
import { requireRedis } from "../helpers/redis.js";
import { ROOT } from "./helpers/launch.js";

interface Run {
  code: number | null;
  out: string;
}

/** Runs one service's built main.js the way production does: configured only by env. */
function runService(service: string, env: Record<string, string>, untilListening: boolean): Promise<Run & { url?: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, `services/${service}/dist/main.js`)], {
    env: { PATH: process.env.PATH, LOG_LEVEL: "warn", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${service} did not finish:\n${out}`));
    }, 30_000);
    let url: string | undefined;
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match && untilListening && !url) {
        url = match[1];
        // Prove it serves, then ask it to stop as an orchestrator would.
        void fetch(`${url}/readyz`).then((res) => {
          out += `\nreadyz ${res.status}\n`;
          child.kill("SIGTERM");
        });
      }
    });
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, url });
    });
  });
}

describe("each service alone, configured only by environment variables", () => {
  let database: { url: string; drop(): Promise<void> };
  let redisUrl: string;
  beforeAll(async () => {
    redisUrl = await requireRedis();
    database = await createTestDatabase("standalone");
  });
  afterAll(async () => {
    await database?.drop();
  });

  for (const service of ["shield", "api", "relay", "aria", "gateway"]) {
    it(`${service} starts, is ready, and exits 0 on SIGTERM`, async () => {
      const run = await runService(
        service,
        { DATABASE_URL: database.url, REDIS_URL: redisUrl, SERVICE_KEYS: "s".repeat(40) },
        true,
      );
      expect(run.out).toContain("readyz 200");
      expect(run.code).toBe(0);
    });
  }

  it("a bad variable stops the process with one line naming it", async () => {
    const run = await runService("shield", { DATABASE_POOL_SIZE: "many" }, false);
    expect(run.code).toBe(2);
    expect(run.out.trim().split("\n")).toHaveLength(1);
    expect(run.out).toMatch(/^Invalid configuration: DATABASE_POOL_SIZE/);
  });
});
