import type { EntryFields, StreamEntry } from "./EventTransport.js";

/**
 * Parsers for the RESP2 replies of the stream commands. The Redis transport pins RESP2 because
 * ioredis 6 speaks RESP3 by default, where XREADGROUP and XINFO answer maps whose JavaScript
 * shape differs; one reply shape keeps these parsers small.
 */

type RawEntry = [Buffer, Buffer[] | null];

/** `[[id, [field, value, ...]], ...]` (XRANGE, XAUTOCLAIM, XREADGROUP's inner list). */
export function parseEntries(raw: unknown): { entries: StreamEntry[]; missing: string[] } {
  const entries: StreamEntry[] = [];
  const missing: string[] = [];
  for (const [rawId, rawFields] of (raw ?? []) as RawEntry[]) {
    const id = rawId.toString();
    // Redis 6.2 answered a deleted-but-pending entry with nil fields; 7 lists it apart. Treat both alike.
    if (rawFields === null) missing.push(id);
    else entries.push({ id, fields: pairsToFields(rawFields) });
  }
  return { entries, missing };
}

function pairsToFields(pairs: Buffer[]): Record<string, Buffer> {
  const fields: Record<string, Buffer> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[pairs[i]!.toString()] = pairs[i + 1]!;
  return fields;
}

/** XREADGROUP on one stream: `null` or `[[stream, entries]]`. */
export function parseReadGroup(raw: unknown): StreamEntry[] {
  const streams = raw as Array<[Buffer, unknown]> | null;
  return streams?.[0] ? parseEntries(streams[0][1]).entries : [];
}

/** XAUTOCLAIM: `[nextCursor, entries, deletedIds]` (deletedIds from Redis 7). */
export function parseAutoClaim(raw: unknown): { cursor: string; entries: StreamEntry[]; deletedIds: string[] } {
  const [cursor, rawEntries, rawDeleted] = raw as [Buffer, unknown, Buffer[] | undefined];
  const { entries, missing } = parseEntries(rawEntries);
  return { cursor: cursor.toString(), entries, deletedIds: [...missing, ...(rawDeleted ?? []).map(String)] };
}

export interface RawGroupInfo {
  name: string;
  pending: number;
  lastDeliveredId: string;
  /** Null when Redis cannot tell (e.g. after XDEL inside the undelivered range). */
  lag: number | null;
}

/** XINFO GROUPS: a list of flat `[key, value, ...]` arrays. */
export function parseGroups(raw: unknown): RawGroupInfo[] {
  return ((raw ?? []) as unknown[][]).map((flat) => {
    const info = new Map<string, unknown>();
    for (let i = 0; i + 1 < flat.length; i += 2) info.set(String(flat[i]), flat[i + 1]);
    const lag = info.get("lag");
    return {
      name: String(info.get("name")),
      pending: Number(info.get("pending")),
      lastDeliveredId: String(info.get("last-delivered-id")),
      lag: lag === null || lag === undefined ? null : Number(lag),
    };
  });
}

/** XPENDING summary form: `[count, smallestId, greatestId, consumers]`; the smallest pending id. */
export function parseOldestPending(raw: unknown): string | undefined {
  const [count, smallest] = raw as [number, string | null];
  return count > 0 && smallest ? String(smallest) : undefined;
}

/** XPENDING extended form: `[[id, consumer, idleMs, deliveries], ...]`. */
export function parsePendingCounts(raw: unknown): Array<{ id: string; deliveries: number }> {
  return ((raw ?? []) as Array<[string, string, number, number]>).map(([id, , , deliveries]) => ({
    id: String(id),
    deliveries: Number(deliveries),
  }));
}

/** Field map as XADD arguments: `field value field value ...`. */
export function fieldArgs(fields: EntryFields): Array<string | Buffer> {
  const args: Array<string | Buffer> = [];
  for (const [name, value] of Object.entries(fields)) args.push(name, value);
  if (args.length === 0) throw new Error("a stream entry needs at least one field");
  return args;
}
