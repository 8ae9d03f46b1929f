/**
 * Stream entry ids, `<ms>-<seq>` as Redis makes them: the time part is what retention trims by,
 * and ordering is by (ms, seq). Both transports and the retention bound use these helpers.
 */

export interface ParsedId {
  ms: number;
  seq: number;
}

/** Parses `<ms>-<seq>` (a bare `<ms>` means seq 0, as Redis reads it). */
export function parseId(id: string): ParsedId {
  const dash = id.indexOf("-");
  const ms = Number(dash < 0 ? id : id.slice(0, dash));
  const seq = dash < 0 ? 0 : Number(id.slice(dash + 1));
  if (!Number.isSafeInteger(ms) || !Number.isSafeInteger(seq) || ms < 0 || seq < 0) {
    throw new Error(`invalid stream entry id "${id}": expected <ms>-<seq>`);
  }
  return { ms, seq };
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareIds(a: string, b: string): number {
  const x = parseId(a);
  const y = parseId(b);
  return x.ms === y.ms ? x.seq - y.seq : x.ms - y.ms;
}

/** The smallest id at or after `ms`: the MINID that keeps everything written since then. */
export function idAtTime(ms: number): string {
  return `${Math.max(0, Math.floor(ms))}-0`;
}

/** The smaller of two ids. */
export function minId(a: string, b: string): string {
  return compareIds(a, b) <= 0 ? a : b;
}

/** The id Redis would give the next entry after `last` at time `now` (`*`). */
export function nextId(last: ParsedId, now: number): ParsedId {
  return now > last.ms ? { ms: now, seq: 0 } : { ms: last.ms, seq: last.seq + 1 };
}

export function formatId(id: ParsedId): string {
  return `${id.ms}-${id.seq}`;
}
