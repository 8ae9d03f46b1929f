import {
  noGroupError,
  type ClaimResult,
  type DeliveredEntry,
  type EntryFields,
  type GroupInfo,
  type RangeOptions,
  type StreamEntry,
} from "./EventTransport.js";
import { compareIds, formatId, idAtTime, minId, nextId, parseId, type ParsedId } from "./entryId.js";

interface StoredEntry {
  id: string;
  fields: Record<string, Buffer>;
}

/** One row of a group's pending entries list (Redis's PEL): owner, deliveries, last delivery. */
interface PendingRecord {
  consumer: string;
  deliveries: number;
  deliveredAt: number;
}

interface MemoryGroup {
  lastDelivered: string;
  // Insertion order is id order: new deliveries always have ids above every pending one, and a
  // claim updates its row in place. So the first key is the oldest pending entry.
  pending: Map<string, PendingRecord>;
}

/**
 * One stream of the in-process transport, with Redis Streams' semantics: `<ms>-<seq>` ids,
 * consumer groups with a last-delivered id, a pending list with delivery counts and idle times.
 * Time is passed in so the transport can run on a fake clock.
 */
export class MemoryStream {
  private entries: StoredEntry[] = [];
  private last: ParsedId = { ms: 0, seq: 0 };
  private readonly groups = new Map<string, MemoryGroup>();

  constructor(private readonly name: string) {}

  append(fields: EntryFields, now: number, retentionMs?: number): string {
    if (Object.keys(fields).length === 0) throw new Error("a stream entry needs at least one field");
    this.last = nextId(this.last, now);
    const id = formatId(this.last);
    this.entries.push({ id, fields: copyFields(fields) });
    if (retentionMs !== undefined) this.trim(this.retentionBound(now, retentionMs));
    return id;
  }

  /** The same bound the Redis transport computes: by age, but never above a pending entry. */
  private retentionBound(now: number, retentionMs: number): string {
    let bound = idAtTime(now - retentionMs);
    for (const group of this.groups.values()) {
      const oldestPending = group.pending.keys().next();
      if (!oldestPending.done) bound = minId(bound, oldestPending.value);
    }
    return bound;
  }

  ensureGroup(group: string, startId: string): void {
    if (this.groups.has(group)) return;
    const lastDelivered = startId === "$" ? formatId(this.last) : formatId(parseId(startId));
    this.groups.set(group, { lastDelivered, pending: new Map() });
  }

  read(group: string, consumer: string, count: number, now: number): DeliveredEntry[] {
    const g = this.group(group, "XREADGROUP");
    const from = this.firstIndexAbove(g.lastDelivered);
    const batch = this.entries.slice(from, from + count);
    for (const entry of batch) g.pending.set(entry.id, { consumer, deliveries: 1, deliveredAt: now });
    const lastOfBatch = batch.at(-1);
    if (lastOfBatch) g.lastDelivered = lastOfBatch.id;
    return batch.map((e) => ({ id: e.id, fields: copyFields(e.fields), deliveries: 1 }));
  }

  ack(group: string, ids: readonly string[]): number {
    const g = this.groups.get(group);
    if (!g) return 0;
    return ids.filter((id) => g.pending.delete(id)).length;
  }

  claim(group: string, consumer: string, minIdleMs: number, count: number, now: number): ClaimResult {
    const g = this.group(group, "XAUTOCLAIM");
    const result: ClaimResult = { entries: [], deletedIds: [] };
    for (const [id, record] of g.pending) {
      if (result.entries.length >= count) break;
      if (now - record.deliveredAt < minIdleMs) continue;
      const entry = this.find(id);
      if (!entry) {
        // As Redis 7 does: an entry deleted while pending can never be processed; report and drop it.
        g.pending.delete(id);
        result.deletedIds.push(id);
        continue;
      }
      Object.assign(record, { consumer, deliveries: record.deliveries + 1, deliveredAt: now });
      result.entries.push({ id, fields: copyFields(entry.fields), deliveries: record.deliveries });
    }
    return result;
  }

  deliveryCounts(group: string, ids: readonly string[]): Map<string, number> {
    const g = this.group(group, "XPENDING");
    const counts = new Map<string, number>();
    for (const id of ids) {
      const record = g.pending.get(id);
      if (record) counts.set(id, record.deliveries);
    }
    return counts;
  }

  groupInfo(group: string): GroupInfo {
    const g = this.group(group, "XINFO");
    const lag = this.entries.length - this.firstIndexAbove(g.lastDelivered);
    return { pending: g.pending.size, lag, lastDeliveredId: g.lastDelivered };
  }

  range(options: RangeOptions = {}): StreamEntry[] {
    const start = options.start ?? "-";
    const end = options.end ?? "+";
    const selected = this.entries.filter((e) => afterStart(e.id, start) && beforeEnd(e.id, end));
    const limited = options.count === undefined ? selected : selected.slice(0, options.count);
    return limited.map((e) => ({ id: e.id, fields: copyFields(e.fields) }));
  }

  get length(): number {
    return this.entries.length;
  }

  deleteEntries(ids: readonly string[]): number {
    const doomed = new Set(ids);
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => !doomed.has(e.id));
    return before - this.entries.length;
  }

  /** Removes entries with an id below `bound`; returns how many. */
  trim(bound: string): number {
    let n = 0;
    while (n < this.entries.length && compareIds(this.entries[n]!.id, bound) < 0) n += 1;
    this.entries.splice(0, n);
    return n;
  }

  private group(group: string, command: string): MemoryGroup {
    const g = this.groups.get(group);
    if (!g) throw noGroupError(this.name, group, command);
    return g;
  }

  private find(id: string): StoredEntry | undefined {
    const i = this.firstIndexAtOrAbove(id);
    const entry = this.entries[i];
    return entry && entry.id === id ? entry : undefined;
  }

  /** Binary search: index of the first entry whose id is >= `id`. */
  private firstIndexAtOrAbove(id: string): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.entries[mid]!.id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstIndexAbove(id: string): number {
    const i = this.firstIndexAtOrAbove(id);
    return this.entries[i]?.id === id ? i + 1 : i;
  }
}

function afterStart(id: string, start: string): boolean {
  if (start === "-") return true;
  if (start.startsWith("(")) return compareIds(id, start.slice(1)) > 0;
  return compareIds(id, start) >= 0;
}

function beforeEnd(id: string, end: string): boolean {
  if (end === "+") return true;
  if (end.startsWith("(")) return compareIds(id, end.slice(1)) < 0;
  return compareIds(id, end) <= 0;
}

// Copies in and out, so a caller mutating a buffer cannot change what is stored: Redis hands out
// fresh bytes on every read too.
function copyFields(fields: EntryFields): Record<string, Buffer> {
  const copy: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(fields)) {
    copy[name] = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
  }
  return copy;
}
