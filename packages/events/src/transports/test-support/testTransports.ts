import { randomBytes } from "node:crypto";
import { pingRedis } from "../../../../../test/helpers/privateRedis.js";
import type { ConsumerLogger } from "../../consumer/consumerOptions.js";
import type { EventTransport } from "../EventTransport.js";
import { createMemoryTransport } from "../memory.js";
import { createRedisTransport } from "../redis.js";

// Until test/helpers/redis.ts (requireRedis) lands, the events tests check Redis themselves. They
// never skip when it is missing: a skipped suite reads as a passing one; the error says how to start it.

/** URL of the shared test Redis; TEST_REDIS_URL overrides it. */
export const TEST_REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

/** Resolves with the URL once Redis answers PING; rejects with how to start it otherwise. */
export async function requireTestRedis(url: string = TEST_REDIS_URL): Promise<string> {
  const { hostname, port } = new URL(url);
  if (!(await pingRedis(hostname || "127.0.0.1", Number(port || 6379)))) {
    throw new Error(
      `Redis is not reachable at ${hostname}:${port}. These tests need a real Redis 7: ` +
        "start it with `redis-server --daemonize yes`, or set TEST_REDIS_URL.",
    );
  }
  return url;
}

/** A key prefix no other test uses, e.g. `test:events:3f9a1c`: streams made under it are this test's alone. */
export function uniquePrefix(label = "events"): string {
  return `test:${label}:${randomBytes(5).toString("hex")}`;
}

/** Both transports, for tests that loop over them (STYLE.md §8). */
export const TRANSPORTS: ReadonlyArray<[name: "memory" | "redis", make: () => Promise<EventTransport>]> = [
  ["memory", async () => createMemoryTransport()],
  ["redis", async () => createRedisTransport({ url: await requireTestRedis(), connectionName: "events-test" })],
];

/** Polls `check` until it holds; rejects with `message` after `timeoutMs` (default 15 s). */
export async function waitFor(check: () => boolean | Promise<boolean>, message: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${message}`);
}

export interface LogLine {
  level: "info" | "warn" | "error";
  msg: string | undefined;
  obj: unknown;
}

/** A logger that keeps lines for assertions instead of printing them. */
export function recordingLogger(): ConsumerLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine["level"]) => (obj: unknown, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}
