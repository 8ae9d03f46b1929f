import type { Logger } from "@materi/platform";
import type { UpdateChannel } from "../types.js";
import { createMemoryUpdateChannel } from "./memoryChannel.js";
import { createRedisUpdateChannel } from "./redisChannel.js";

export interface UpdateChannelOptions {
  /** Redis URL (REDIS_URL); without it, the process-wide in-process channel. Default none. */
  redisUrl?: string;
  logger: Logger;
  /** Redis only: called when the subscriber connection is back, so followers resync by seq. Default none. */
  onReconnect?: () => void;
  /** Redis only: CLIENT LIST name of the connections (suffixed "-pub", "-sub"); default "materi-docstore". */
  connectionName?: string;
}

/**
 * The channel appends are announced on: Redis pub/sub when `redisUrl` is set, else in-process.
 * Delivery is at most once in both: the gap-free seq in every message is how a follower notices a
 * lost one and reads it back with `DocStore.updatesSince`.
 */
export function createUpdateChannel(opts: UpdateChannelOptions): UpdateChannel {
  if (opts.redisUrl === undefined || opts.redisUrl === "") return createMemoryUpdateChannel(opts.logger);
  return createRedisUpdateChannel({
    url: opts.redisUrl,
    logger: opts.logger,
    ...(opts.onReconnect ? { onReconnect: opts.onReconnect } : {}),
    ...(opts.connectionName ? { connectionName: opts.connectionName } : {}),
  });
}
