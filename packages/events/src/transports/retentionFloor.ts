import type { Redis } from "ioredis";
import { compareIds } from "./entryId.js";
import { parseGroups, parseOldestPending } from "./redisReplies.js";

/**
 * The lowest id retention may trim up to on one stream: the oldest entry still pending in any
 * of its groups.
 *
 * Why: `XADD ... MINID ~ <now - retention>` trims by age alone. An entry a consumer has read but
 * not acknowledged (a consumer down for days, a poison entry being retried) older than the window
 * would be trimmed, and XAUTOCLAIM would then report it deleted: an event lost without a dead
 * letter. So the bound is min(now - retention, oldest pending id) (issue 4, §2).
 *
 * Finding it costs XINFO GROUPS plus one XPENDING per group with pending entries: two round
 * trips, so the answer is cached per stream for a short TTL instead of paid on every publish.
 * What the cache can miss: an entry that, when the floor was read, was not yet delivered to some
 * group, is already past the retention window, and gets delivered within the TTL. That entry is
 * at the edge of a group a whole window behind, which retention gives up on by definition.
 */
interface CachedFloor {
  at: number;
  floor: Promise<string | undefined>;
  /** Set once the lookup answered, so a publish on a fresh answer needs no await (and no extra tick). */
  settled?: { value: string | undefined };
}

export class RetentionFloor {
  private readonly cache = new Map<string, CachedFloor>();

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  /** The cached answer when it is fresh and known: `{ value }`; undefined when floor() must be awaited. */
  fresh(stream: string): { value: string | undefined } | undefined {
    const hit = this.cache.get(stream);
    return hit && Date.now() - hit.at < this.ttlMs ? hit.settled : undefined;
  }

  /** The oldest pending id on `stream`, or undefined when nothing is pending (or no group exists). */
  floor(stream: string): Promise<string | undefined> {
    const now = Date.now();
    const hit = this.cache.get(stream);
    if (hit && now - hit.at < this.ttlMs) return hit.floor;
    const entry: CachedFloor = { at: now, floor: oldestPending(this.redis, stream) };
    this.prune(now);
    this.cache.set(stream, entry);
    entry.floor.then(
      (value) => (entry.settled = { value }),
      // A failed lookup is not remembered: the next publish asks again.
      () => this.cache.get(stream) === entry && this.cache.delete(stream),
    );
    return entry.floor;
  }

  /** Forgets a stream, e.g. after it was deleted. */
  forget(stream: string): void {
    this.cache.delete(stream);
  }

  // Streams are few in production but tests make many: drop expired answers past a small size.
  private prune(now: number): void {
    if (this.cache.size < 256) return;
    for (const [stream, hit] of this.cache) if (now - hit.at >= this.ttlMs) this.cache.delete(stream);
  }
}

async function oldestPending(redis: Redis, stream: string): Promise<string | undefined> {
  const groups = parseGroups(await redis.call("XINFO", "GROUPS", stream).catch(emptyWhenNoStream)).filter((g) => g.pending > 0);
  if (groups.length === 0) return undefined;
  const pipeline = redis.pipeline();
  for (const g of groups) pipeline.call("XPENDING", stream, g.name);
  let floor: string | undefined;
  for (const [err, reply] of (await pipeline.exec()) ?? []) {
    if (err) throw err;
    const oldest = parseOldestPending(reply);
    if (oldest && (floor === undefined || compareIds(oldest, floor) < 0)) floor = oldest;
  }
  return floor;
}

/** XINFO GROUPS on a missing stream answers "ERR no such key": no groups, nothing pending. */
export function emptyWhenNoStream(err: unknown): unknown[] {
  if (err instanceof Error && /no such key/i.test(err.message)) return [];
  throw err;
}
