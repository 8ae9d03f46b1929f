import { Redis } from "ioredis";

/** Where tests find Redis: REDIS_URL when set, else the local default. */
const DEFAULT_URL = "redis://127.0.0.1:6379";

const HOW_TO_START =
  'start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no ' +
  "(or set REDIS_URL to a reachable Redis 7)";

/**
 * The URL of a Redis that answers PING. Fails the test (never skips it) with a message saying how
 * to start one, because Redis-backed behaviour untested is behaviour unknown.
 */
export async function requireRedis(): Promise<string> {
  const url = process.env.REDIS_URL ?? DEFAULT_URL;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  client.on("error", () => {
    // Reported by the rejected connect() below, with instructions.
  });
  try {
    await client.connect();
    await client.ping();
    return url;
  } catch (err) {
    throw new Error(`Redis is not reachable at ${url} (${err instanceof Error ? err.message : String(err)}); ${HOW_TO_START}`);
  } finally {
    client.disconnect();
  }
}

/** A key prefix no other test run uses, so parallel runs and reruns never share counters. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${process.pid}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 8)}`;
}
