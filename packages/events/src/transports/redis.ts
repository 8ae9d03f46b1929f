import { Redis, type ChainableCommander } from "ioredis";
import { BlockingConnections } from "./blockingConnections.js";
import { idAtTime, minId } from "./entryId.js";
import {
  isNoGroupError,
  noGroupError,
  type AppendItem,
  type AppendOptions,
  type ClaimResult,
  type DeliveredEntry,
  type EntryFields,
  type EventTransport,
  type GroupInfo,
  type RangeOptions,
  type ReadGroupOptions,
  type StreamEntry,
} from "./EventTransport.js";
import { fieldArgs, parseAutoClaim, parseEntries, parseGroups, parsePendingCounts, parseReadGroup } from "./redisReplies.js";
import { emptyWhenNoStream, RetentionFloor } from "./retentionFloor.js";

export interface RedisTransportOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  /** Name shown by CLIENT LIST, e.g. the service name. Default none. */
  connectionName?: string;
  /** How long the oldest-pending bound used by retention is reused per stream, in ms. Default 1000. */
  retentionFloorTtlMs?: number;
}

// XINFO's lag is null when Redis cannot derive it; counting past this many is not worth the
// transfer, and the spec's queue-depth alert fires at 10,000 anyway.
const LAG_COUNT_CAP = 10_001;

/** The Redis transport. Commands fail fast while Redis is away instead of queueing unboundedly. */
export function createRedisTransport(options: RedisTransportOptions): RedisTransport {
  return new RedisTransport(options);
}

/** Redis Streams behind the EventTransport contract. `redis` is the shared (non-blocking) connection. */
export class RedisTransport implements EventTransport {
  readonly kind = "redis" as const;
  readonly redis: Redis;
  private readonly blocking: BlockingConnections;
  private readonly retentionFloor: RetentionFloor;
  private closed = false;

  constructor(options: RedisTransportOptions) {
    this.redis = new Redis(options.url, {
      connectionName: options.connectionName,
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      // Reconnect forever with a capped backoff: Redis coming back must need no restart of ours.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      // One reply shape for the stream commands (see redisReplies.ts).
      protocol: 2,
    });
    // ioredis emits 'error' on every failed reconnect; readiness reports it, the log need not scream.
    this.redis.on("error", () => {});
    this.blocking = new BlockingConnections(this.redis, options.connectionName);
    this.retentionFloor = new RetentionFloor(this.redis, options.retentionFloorTtlMs ?? 1_000);
  }

  async ping(): Promise<void> {
    const answer = await this.redis.ping();
    if (answer !== "PONG") throw new Error(`unexpected PING answer ${answer}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.blocking.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async append(stream: string, fields: EntryFields, options: AppendOptions = {}): Promise<string> {
    const args = fieldArgs(fields);
    const trim = this.trimArgsNow(stream, options.retentionMs) ?? (await this.trimArgs(stream, options.retentionMs));
    return String(await this.redis.call("XADD", stream, ...trim, "*", ...args));
  }

  async appendMany(items: readonly AppendItem[]): Promise<string[]> {
    // The floor is cached per stream and the lookup shared, so a batch costs one lookup at most.
    const trims = await Promise.all(items.map((item) => this.trimArgs(item.stream, item.retentionMs)));
    const pipeline = this.redis.pipeline();
    items.forEach((item, i) => pipeline.call("XADD", item.stream, ...trims[i]!, "*", ...fieldArgs(item.fields)));
    return (await execAll(pipeline)).map(String);
  }

  /** `MINID ~ <bound>` where bound = min(now - retention, oldest pending id); see RetentionFloor. */
  private async trimArgs(stream: string, retentionMs: number | undefined): Promise<string[]> {
    if (retentionMs === undefined) return [];
    return trimArgsFor(retentionMs, await this.retentionFloor.floor(stream));
  }

  /** The same, without a tick, when the floor is cached: publishing then costs one XADD and nothing else. */
  private trimArgsNow(stream: string, retentionMs: number | undefined): string[] | undefined {
    if (retentionMs === undefined) return [];
    const cached = this.retentionFloor.fresh(stream);
    return cached ? trimArgsFor(retentionMs, cached.value) : undefined;
  }

  async ensureGroup(stream: string, group: string, startId = "$"): Promise<void> {
    try {
      await this.redis.call("XGROUP", "CREATE", stream, group, startId, "MKSTREAM");
    } catch (err) {
      // BUSYGROUP: the group exists, which is all we asked for; its position is deliberately kept.
      if (!(err instanceof Error && err.message.startsWith("BUSYGROUP"))) throw err;
    }
  }

  async readGroup(stream: string, group: string, consumer: string, options: ReadGroupOptions = {}): Promise<DeliveredEntry[]> {
    const args = ["GROUP", group, consumer, "COUNT", String(options.count ?? 10)];
    const blockMs = options.blockMs ?? 0;
    if (blockMs <= 0) return firstDelivery(await this.redis.callBuffer("XREADGROUP", ...args, "STREAMS", stream, ">"));
    if (options.signal?.aborted) return [];
    try {
      const raw = await this.blocking.run(options.signal, (conn) =>
        conn.callBuffer("XREADGROUP", ...args, "BLOCK", String(blockMs), "STREAMS", stream, ">"),
      );
      return firstDelivery(raw);
    } catch (err) {
      // An abort may drop the blocked connection: that is the caller stopping, not a failure.
      if (options.signal?.aborted && !isNoGroupError(err)) return [];
      throw err;
    }
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(await this.redis.call("XACK", stream, group, ...ids));
  }

  async claimStale(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<ClaimResult> {
    const claimed: StreamEntry[] = [];
    const deletedIds: string[] = [];
    let cursor = "0-0";
    // XAUTOCLAIM scans a bounded slice of the pending list per call: follow its cursor round to 0-0.
    do {
      const left = String(count - claimed.length);
      const page = parseAutoClaim(
        await this.redis.callBuffer("XAUTOCLAIM", stream, group, consumer, String(minIdleMs), cursor, "COUNT", left),
      );
      claimed.push(...page.entries);
      deletedIds.push(...page.deletedIds);
      cursor = page.cursor;
    } while (cursor !== "0-0" && claimed.length < count);
    const counts = await this.deliveryCounts(stream, group, claimed.map((e) => e.id));
    // An id no longer pending was acknowledged meanwhile by its previous owner: nothing left to do.
    const entries = claimed.flatMap((e) => (counts.has(e.id) ? [{ ...e, deliveries: counts.get(e.id)! }] : []));
    return { entries, deletedIds };
  }

  async deliveryCounts(stream: string, group: string, ids: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (ids.length === 0) return counts;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.call("XPENDING", stream, group, id, id, "1");
    for (const reply of await execAll(pipeline)) {
      for (const p of parsePendingCounts(reply)) counts.set(p.id, p.deliveries);
    }
    return counts;
  }

  async groupInfo(stream: string, group: string): Promise<GroupInfo> {
    const raw = await this.redis.call("XINFO", "GROUPS", stream).catch(emptyWhenNoStream);
    const info = parseGroups(raw).find((g) => g.name === group);
    if (!info) throw noGroupError(stream, group, "XINFO");
    const lag = info.lag ?? (await this.countAfter(stream, info.lastDeliveredId));
    return { pending: info.pending, lag, lastDeliveredId: info.lastDeliveredId };
  }

  private async countAfter(stream: string, id: string): Promise<number> {
    const raw = (await this.redis.call("XRANGE", stream, `(${id}`, "+", "COUNT", String(LAG_COUNT_CAP))) as unknown[];
    return raw.length;
  }

  async range(stream: string, options: RangeOptions = {}): Promise<StreamEntry[]> {
    const args = [stream, options.start ?? "-", options.end ?? "+"];
    if (options.count !== undefined) args.push("COUNT", String(options.count));
    return parseEntries(await this.redis.callBuffer("XRANGE", ...args)).entries;
  }

  async length(stream: string): Promise<number> {
    return Number(await this.redis.call("XLEN", stream));
  }

  async deleteEntries(stream: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(await this.redis.call("XDEL", stream, ...ids));
  }

  async trim(stream: string, minIdToKeep: string): Promise<number> {
    return Number(await this.redis.call("XTRIM", stream, "MINID", "=", minIdToKeep));
  }

  async deleteStream(stream: string): Promise<void> {
    await this.redis.call("DEL", stream);
    this.retentionFloor.forget(stream);
  }
}

function trimArgsFor(retentionMs: number, floor: string | undefined): string[] {
  const byAge = idAtTime(Date.now() - retentionMs);
  // "~": Redis drops whole radix-tree nodes only, so trimming costs O(1) per publish; a node's
  // worth of entries past the window may stay a little longer, which retention allows.
  return ["MINID", "~", floor ? minId(byAge, floor) : byAge];
}

function firstDelivery(raw: unknown): DeliveredEntry[] {
  return parseReadGroup(raw).map((e) => ({ ...e, deliveries: 1 }));
}

async function execAll(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}
