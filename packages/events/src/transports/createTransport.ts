import type { EventTransport } from "./EventTransport.js";
import { createMemoryTransport } from "./memory.js";
import { createRedisTransport } from "./redis.js";

/** Redis when a URL is given, the in-process transport otherwise. */
export function createTransport(options: { redisUrl?: string | undefined; connectionName?: string }): EventTransport {
  return options.redisUrl
    ? createRedisTransport({ url: options.redisUrl, connectionName: options.connectionName ?? "materi" })
    : createMemoryTransport();
}
