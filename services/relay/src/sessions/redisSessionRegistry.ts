import type { Logger } from "@materi/platform";
import { Redis } from "ioredis";
import type { Session, SessionRegistry } from "./SessionRegistry.js";

export interface RedisSessionRegistryOptions {
  redisUrl: string;
  /** Key prefix, e.g. "materi:relay". */
  prefix: string;
  ttlS: number;
  logger: Logger;
}

/**
 * Each session is a key with a TTL plus a member of one sorted set scored by its expiry, so a
 * listing reads only live ones and a crashed instance's sessions vanish within the TTL. This
 * instance re-registers its own every ttl/3 (which also restores them after a Redis restart).
 */
export function createRedisSessionRegistry(opts: RedisSessionRegistryOptions): SessionRegistry {
  const redis = new Redis(opts.redisUrl, { connectionName: "materi-relay-sessions", maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on("error", () => undefined);
  const index = `${opts.prefix}:sessions`;
  const keyOf = (id: string): string => `${opts.prefix}:session:${id}`;
  const own = new Map<string, Session>();

  const write = async (sessions: readonly Session[]): Promise<void> => {
    if (sessions.length === 0) return;
    const expiresAt = Date.now() + opts.ttlS * 1000;
    const batch = redis.multi();
    for (const s of sessions) {
      batch.set(keyOf(s.sessionId), JSON.stringify(s), "EX", opts.ttlS);
      batch.zadd(index, expiresAt, s.sessionId);
    }
    batch.zremrangebyscore(index, "-inf", Date.now());
    await batch.exec();
  };
  const refresh = setInterval(() => {
    write([...own.values()]).catch((err: unknown) => opts.logger.warn({ err }, "relay sessions not refreshed"));
  }, Math.max(1, Math.floor((opts.ttlS * 1000) / 3)));
  refresh.unref();

  return {
    async add(session) {
      own.set(session.sessionId, session);
      await write([session]).catch((err: unknown) => opts.logger.warn({ err, sessionId: session.sessionId }, "relay session not registered"));
    },
    async remove(sessionId) {
      own.delete(sessionId);
      await redis
        .multi()
        .del(keyOf(sessionId))
        .zrem(index, sessionId)
        .exec()
        .catch((err: unknown) => opts.logger.warn({ err, sessionId }, "relay session not unregistered"));
    },
    async list() {
      const ids = await redis.zrangebyscore(index, Date.now(), "+inf");
      if (ids.length === 0) return [];
      const values = await redis.mget(ids.map(keyOf));
      return values.flatMap((v) => (v === null ? [] : [JSON.parse(v) as Session]));
    },
    async close() {
      clearInterval(refresh);
      const ids = [...own.keys()];
      own.clear();
      if (ids.length > 0) await redis.multi().del(...ids.map(keyOf)).zrem(index, ...ids).exec().catch(() => undefined);
      redis.disconnect();
    },
  };
}
