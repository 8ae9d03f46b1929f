import type { Logger } from "@materi/platform";
import type { RelayConfig } from "../config.js";
import { createMemorySessionRegistry } from "./memorySessionRegistry.js";
import { createRedisSessionRegistry } from "./redisSessionRegistry.js";
import type { SessionRegistry } from "./SessionRegistry.js";

/** Redis when REDIS_URL is set (so every instance lists every session), else this process. */
export function createSessionRegistry(config: RelayConfig, logger: Logger): SessionRegistry {
  if (!config.REDIS_URL) return createMemorySessionRegistry();
  return createRedisSessionRegistry({ redisUrl: config.REDIS_URL, prefix: config.RELAY_REDIS_PREFIX, ttlS: config.RELAY_SESSION_TTL_S, logger });
}
