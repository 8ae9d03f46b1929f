/**
 * The stream operations the event bus runs over: Redis Streams when REDIS_URL is set, an
 * in-process stand-in otherwise (ARCHITECTURE.md: "the same semantics ... tested by the same
 * contract suite"). Entries are opaque field maps; the bus puts the binary EventEnvelope in
 * `envelope` and the type in `event_type`. Ids are `<ms>-<seq>` as Redis makes them.
 */
export interface EventTransport {
  readonly kind: "redis" | "memory";
  /** Resolves when the transport can carry events; /readyz calls it. */
  ping(): Promise<void>;
  /** Releases connections and wakes blocked readers. Idempotent. */
  close(): Promise<void>;

  /** Appends one entry and returns its id; trims by age when `retentionMs` is given. */
  append(stream: string, fields: EntryFields, options?: AppendOptions): Promise<string>;
  /** Appends many entries in one round trip (pipelined); ids in input order. */
  appendMany(items: readonly AppendItem[]): Promise<string[]>;
  /** Creates the group (and the stream); an existing group is left as it is. */
  ensureGroup(stream: string, group: string, startId?: string): Promise<void>;
  /** New entries for the group (`>`); throws a NOGROUP error when the group is missing. */
  readGroup(stream: string, group: string, consumer: string, options?: ReadGroupOptions): Promise<DeliveredEntry[]>;
  /** Removes ids from the group's pending list; returns how many were pending. */
  ack(stream: string, group: string, ids: readonly string[]): Promise<number>;
  /** Takes over entries pending longer than `minIdleMs` (XAUTOCLAIM to cursor 0-0), at most `count`. */
  claimStale(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<ClaimResult>;
  /** Delivery counts of pending entries; ids not pending are absent from the map. */
  deliveryCounts(stream: string, group: string, ids: readonly string[]): Promise<Map<string, number>>;
  /** Pending and lag of a group, for `event_queue_depth`. */
  groupInfo(stream: string, group: string): Promise<GroupInfo>;

  /** Entries between two ids, inclusive, oldest first. */
  range(stream: string, options?: RangeOptions): Promise<StreamEntry[]>;
  /** Number of entries in the stream; 0 when it does not exist. */
  length(stream: string): Promise<number>;
  /** Deletes entries by id (XDEL); a pending one stays pending and is reported by claimStale. */
  deleteEntries(stream: string, ids: readonly string[]): Promise<number>;
  /** Removes every entry older than `minId`, exactly; returns how many. */
  trim(stream: string, minId: string): Promise<number>;
  /** Deletes the stream with its groups. */
  deleteStream(stream: string): Promise<void>;
}

/** A value to store: strings are stored as their UTF-8 bytes. */
export type FieldValue = string | Buffer;
/** An entry's fields as written. */
export type EntryFields = Readonly<Record<string, FieldValue>>;

export interface AppendOptions {
  /**
   * Trim entries older than this many ms (by id time), never an entry still pending in a group.
   * Default: no trimming.
   */
  retentionMs?: number;
}

export interface AppendItem extends AppendOptions {
  stream: string;
  fields: EntryFields;
}

/** An entry as read back: every value as bytes (decode `event_type` with `fieldText`). */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, Buffer>>;
}

/** An entry delivered to a consumer, with how many times it was delivered, this time included. */
export interface DeliveredEntry extends StreamEntry {
  readonly deliveries: number;
}

export interface ReadGroupOptions {
  /** Most entries returned. Default 10. */
  count?: number;
  /** Wait this many ms for an entry when none is ready. Default 0: return at once (unlike Redis BLOCK 0). */
  blockMs?: number;
  /** Aborting ends a blocked read early with no entries. */
  signal?: AbortSignal;
}

export interface ClaimResult {
  /** Entries now owned by the claiming consumer, with their delivery counts (claim included). */
  entries: DeliveredEntry[];
  /** Pending ids whose entry was deleted or trimmed; Redis drops them from the pending list. */
  deletedIds: string[];
}

export interface GroupInfo {
  /** Entries delivered to the group and not yet acknowledged. */
  pending: number;
  /** Entries not yet delivered to the group. */
  lag: number;
  /** The last id delivered to the group. */
  lastDeliveredId: string;
}

export interface RangeOptions {
  /** First id, inclusive. Default "-" (the oldest). */
  start?: string;
  /** Last id, inclusive. Default "+" (the newest). */
  end?: string;
  /** Most entries returned. Default: all. */
  count?: number;
}

/** A field as UTF-8 text, or undefined when absent. */
export function fieldText(entry: StreamEntry, name: string): string | undefined {
  return entry.fields[name]?.toString("utf8");
}

/** True for the error both transports throw when a group (or its stream) does not exist. */
export function isNoGroupError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith("NOGROUP");
}

/** The error Redis answers for a missing group, so callers test one message on both transports. */
export function noGroupError(stream: string, group: string, command: string): Error {
  return new Error(`NOGROUP No such key '${stream}' or consumer group '${group}' in ${command}`);
}
