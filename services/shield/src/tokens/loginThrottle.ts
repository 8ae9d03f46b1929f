import { shieldProblem } from "../errors.js";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Redis } from "ioredis";

export interface LoginThrottleOptions {
  /** Failed logins per account per window. */
  maxFailuresPerAccount: number;
  /** Attempts per client IP per window. */
  maxAttemptsPerIp: number;
  /** Window, in seconds. */
  windowS: number;
  /** Shared counters across replicas; memory when absent. */
  redis?: Redis;
  /** Key prefix, so tests do not share counters. Default "materi:shield:login". */
  keyPrefix?: string;
}

/**
 * Login throttling (issue 5): every attempt counts against the IP; only failures count against
 * the account, so a user who types the right password is not locked out by a stranger's guesses
 * from elsewhere beyond the failure budget.
 */
export interface LoginThrottle {
  /** Throws a 429 problem with Retry-After when the IP or the account is over its budget. */
  beforeAttempt(ip: string, account: string): Promise<void>;
  onFailure(account: string): Promise<void>;
  onSuccess(account: string): Promise<void>;
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const prefix = options.keyPrefix ?? "materi:shield:login";
  const perIp = limiter(options, `${prefix}:ip`, options.maxAttemptsPerIp);
  const perAccount = limiter(options, `${prefix}:account`, options.maxFailuresPerAccount);
  return {
    beforeAttempt: async (ip, account) => {
      await consumeOrThrow(perIp, ip, 1);
      const state = await perAccount.get(account);
      if (state !== null && state.consumedPoints >= options.maxFailuresPerAccount) throw throttled(state.msBeforeNext);
    },
    onFailure: async (account) => {
      await perAccount.penalty(account, 1);
    },
    onSuccess: async (account) => {
      await perAccount.delete(account);
    },
  };
}

function limiter(options: LoginThrottleOptions, keyPrefix: string, points: number): RateLimiterAbstract {
  const shape = { points, duration: options.windowS, keyPrefix };
  const memory = new RateLimiterMemory(shape);
  if (!options.redis) return memory;
  // ioredis (useRedisPackage false); fall back to per-process counters while Redis is away.
  return new RateLimiterRedis({ ...shape, storeClient: options.redis, useRedisPackage: false, rejectIfRedisNotReady: true, insuranceLimiter: memory });
}

async function consumeOrThrow(limiterOf: RateLimiterAbstract, key: string, points: number): Promise<void> {
  try {
    await limiterOf.consume(key, points);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw throttled(err.msBeforeNext);
    throw err;
  }
}

function throttled(msBeforeNext: number) {
  const retryAfterS = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return shieldProblem("SHIELD_ERR_LOGIN_THROTTLED", `Too many login attempts; retry in ${retryAfterS} s.`, {
    headers: { "Retry-After": String(retryAfterS) },
  });
}
