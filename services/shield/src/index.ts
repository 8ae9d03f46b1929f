import type { Logger, RunningService, SharedRuntime } from "@materi/platform";
import { startEventedService } from "@materi/events";
import { Redis } from "ioredis";
import { buildApp } from "./app.js";
import { MembershipConsumer } from "./consumers/MembershipConsumer.js";
import type { ShieldConfig } from "./config.js";
import { shieldMigrations } from "./store/migrations.js";
import { ensureActiveSigningKey } from "./store/signingKeyStore.js";

export { loadShieldConfig, type ShieldConfig } from "./config.js";
export { rotateSigningKey } from "./store/signingKeyStore.js";

/** Starts Shield alone or inside the launcher (which passes `shared`). */
export function startShield(config: ShieldConfig, shared?: SharedRuntime): Promise<RunningService> {
  return startEventedService({
    name: "shield",
    config,
    shared,
    schemas: [{ owner: "shield", migrations: shieldMigrations }],
    outboxSchema: "shield",
    build: async (deps) => {
      const db = deps.db!;
      const events = deps.events;
      await ensureActiveSigningKey(db);
      const membership = MembershipConsumer.start(events.bus, db, config.SHIELD_CONSUMER_GROUP);
      const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, deps.logger) : undefined;
      const app = await buildApp(config, { ...deps, db, registry: events.registry, redisKeyPrefix: config.SHIELD_REDIS_PREFIX, ...(redis ? { redis } : {}) });
      app.addHook("onClose", async () => {
        await membership.stop();
        redis?.disconnect();
      });
      return app;
    },
  });
}

/**
 * Shield's own Redis connection (throttles, revocation list). It fails fast while Redis is away
 * instead of queueing commands, so no request hangs on it; Shield starts even if Redis is down.
 */
async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, { connectionName: "shield-auth", enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on("error", (err) => logger.debug({ err }, "shield redis error"));
  await redis.connect().catch((err: unknown) => logger.warn({ err }, "Redis unreachable at start; revocation checks answer 503 until it is back"));
  return redis;
}
