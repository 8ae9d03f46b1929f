import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Logger } from "@materi/platform";
import { LocalBudgets, type RateDecision } from "./LocalBudgets.js";

export type { RateDecision } from "./LocalBudgets.js";

export interface RateLimitOptions {
  /** Requests allowed per window and key. */
  points: number;
  /** Window length, in seconds. */
  durationS: number;
  /** Key prefix of the counters (Redis keys are `${keyPrefix}:${key}`). */
  keyPrefix: string;
  /** Shared counters across replicas when set; this process's memory otherwise. */
  redis?: Redis | undefined;
  logger: Logger;
  /** How long requests allowed from memory wait to be counted in Redis, in ms. Default 20. */
  flushEveryMs?: number;
}

export interface RateLimiter {
  /** Counts one request of `key` ("user:<sub>" or "ip:<address>"). Never rejects. */
  consume(key: string): RateDecision | Promise<RateDecision>;
  /** Counts what is still owed to Redis and stops the flush timer. */
  close(): Promise<void>;
}

/** How often a Redis or limiter failure is logged while it lasts, in ms. */
const WARN_EVERY_MS = 30_000;

/**
 * Fixed-window limits with rate-limiter-flexible. With Redis every replica counts into the same
 * key; while Redis is unreachable each replica falls back to its own memory (the insurance
 * limiter), so clients are still limited, only per replica. If even that fails, the request
 * passes (fail open) with a warning: the limiter must never take the edge down.
 *
 * With Redis, a client far from its limit is answered from memory and counted in Redis in
 * batches (LocalBudgets): one Redis call per key per flush instead of one round trip per request.
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const limiter = buildLimiter(options);
  const warn = throttledWarn(options.logger);
  options.redis?.on("error", (err: Error) => warn(err, "Redis unreachable: rate limits are counted per replica until it is back"));
  const budgets = options.redis ? new LocalBudgets(options.points) : undefined;
  let timer: NodeJS.Timeout | undefined;

  const count = async (key: string, points: number): Promise<RateDecision> => {
    try {
      const res = await limiter.consume(key, points);
      budgets?.learn(key, res, Date.now());
      return decision(options.points, res, true);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        budgets?.learn(key, err, Date.now());
        return decision(options.points, err, false);
      }
      warn(err, "rate limiter failed: request let through");
      return { allowed: true, limit: options.points, remaining: options.points, resetS: options.durationS };
    }
  };
  const flush = async () => {
    timer = undefined;
    if (budgets) await Promise.all(budgets.drain().map(([key, owed]) => count(key, owed)));
  };

  return {
    consume(key) {
      if (!budgets) return count(key, 1);
      const local = budgets.takeIfFar(key, Date.now());
      if (local === undefined) return count(key, 1 + budgets.settle(key));
      timer ??= setTimeout(() => void flush(), options.flushEveryMs ?? 20).unref();
      return local;
    },
    async close() {
      clearTimeout(timer);
      await flush();
    },
  };
}

function decision(points: number, res: RateLimiterRes, allowed: boolean): RateDecision {
  return { allowed, limit: points, remaining: res.remainingPoints, resetS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
}

function buildLimiter(options: RateLimitOptions): RateLimiterAbstract {
  const shape = { points: options.points, duration: options.durationS, keyPrefix: options.keyPrefix };
  const memory = new RateLimiterMemory(shape);
  if (!options.redis) return memory;
  return new RateLimiterRedis({
    ...shape,
    storeClient: options.redis,
    // ioredis, not node-redis (rate-limiter-flexible's docs: useRedisPackage is for `redis` v4+).
    useRedisPackage: false,
    // Without this, commands queue in ioredis while it reconnects and requests hang instead of
    // falling back to the insurance limiter.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
    // A key that has used its points is refused from memory until its window resets, so a
    // client hammering the edge costs no Redis round trips.
    inMemoryBlockOnConsumed: options.points,
  });
}

function throttledWarn(logger: Logger): (err: unknown, message: string) => void {
  let last = 0;
  return (err, message) => {
    const now = Date.now();
    if (now - last < WARN_EVERY_MS) return;
    last = now;
    logger.warn({ err }, message);
  };
}
