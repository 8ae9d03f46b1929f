import {
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
import { MemoryStream } from "./memoryStream.js";

export interface MemoryTransportOptions {
  /** The clock, in ms since the epoch; entry ids, idle times and retention read it. Default Date.now. */
  now?: () => number;
}

/** The in-process transport: lives as long as the process, shared by services started together. */
export function createMemoryTransport(options: MemoryTransportOptions = {}): MemoryTransport {
  return new MemoryTransport(options);
}

/**
 * Redis Streams' semantics in memory (groups, pending, ack, claim, delivery counts, retention,
 * lag, blocking reads woken by appends) so the embedded mode behaves as production does; the
 * contract suite (test-support/transportContract.ts) runs on both.
 */
export class MemoryTransport implements EventTransport {
  readonly kind = "memory" as const;
  private readonly now: () => number;
  private readonly streams = new Map<string, MemoryStream>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;

  constructor(options: MemoryTransportOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async ping(): Promise<void> {
    this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stream of this.waiters.keys()) this.wake(stream);
  }

  async append(stream: string, fields: EntryFields, options: AppendOptions = {}): Promise<string> {
    return this.appendOne(stream, fields, options);
  }

  async appendMany(items: readonly AppendItem[]): Promise<string[]> {
    return items.map((item) => this.appendOne(item.stream, item.fields, item));
  }

  async ensureGroup(stream: string, group: string, startId = "$"): Promise<void> {
    this.open();
    this.created(stream).ensureGroup(group, startId);
  }

  async readGroup(stream: string, group: string, consumer: string, options: ReadGroupOptions = {}): Promise<DeliveredEntry[]> {
    this.open();
    const deadline = Date.now() + (options.blockMs ?? 0);
    for (;;) {
      const entries = this.existing(stream, group, "XREADGROUP").read(group, consumer, options.count ?? 10, this.now());
      const left = deadline - Date.now();
      if (entries.length > 0 || left <= 0 || options.signal?.aborted || this.closed) return entries;
      await this.waitForAppend(stream, left, options.signal);
    }
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<number> {
    this.open();
    return this.streams.get(stream)?.ack(group, ids) ?? 0;
  }

  async claimStale(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<ClaimResult> {
    this.open();
    return this.existing(stream, group, "XAUTOCLAIM").claim(group, consumer, minIdleMs, count, this.now());
  }

  async deliveryCounts(stream: string, group: string, ids: readonly string[]): Promise<Map<string, number>> {
    this.open();
    return this.existing(stream, group, "XPENDING").deliveryCounts(group, ids);
  }

  async groupInfo(stream: string, group: string): Promise<GroupInfo> {
    this.open();
    return this.existing(stream, group, "XINFO").groupInfo(group);
  }

  async range(stream: string, options?: RangeOptions): Promise<StreamEntry[]> {
    this.open();
    return this.streams.get(stream)?.range(options) ?? [];
  }

  async length(stream: string): Promise<number> {
    this.open();
    return this.streams.get(stream)?.length ?? 0;
  }

  async deleteEntries(stream: string, ids: readonly string[]): Promise<number> {
    this.open();
    return this.streams.get(stream)?.deleteEntries(ids) ?? 0;
  }

  async trim(stream: string, minId: string): Promise<number> {
    this.open();
    return this.streams.get(stream)?.trim(minId) ?? 0;
  }

  async deleteStream(stream: string): Promise<void> {
    this.open();
    this.streams.delete(stream);
  }

  private appendOne(stream: string, fields: EntryFields, options: AppendOptions): string {
    this.open();
    const id = this.created(stream).append(fields, this.now(), options.retentionMs);
    this.wake(stream);
    return id;
  }

  private open(): void {
    if (this.closed) throw new Error("in-process event transport is closed");
  }

  private created(name: string): MemoryStream {
    let stream = this.streams.get(name);
    if (!stream) this.streams.set(name, (stream = new MemoryStream(name)));
    return stream;
  }

  private existing(name: string, group: string, command: string): MemoryStream {
    const stream = this.streams.get(name);
    if (!stream) throw noGroupError(name, group, command);
    return stream;
  }

  /** Resolves on the next append to `stream`, after `ms`, or on abort, whichever comes first. */
  private waitForAppend(stream: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(stream);
      if (!set) this.waiters.set(stream, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(stream);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  private wake(stream: string): void {
    // Copy first: each waiter removes itself from the set while we iterate.
    for (const done of [...(this.waiters.get(stream) ?? [])]) done();
  }
}
