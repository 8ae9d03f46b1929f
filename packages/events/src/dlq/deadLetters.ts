import { DLQ_STREAM, retentionFor } from "../streams.js";
import { parseId } from "../transports/entryId.js";
import type { EventTransport, StreamEntry } from "../transports/EventTransport.js";
import { parseDeadLetter, type DeadLetter } from "./deadLetterEntry.js";

/** Inspecting, replaying and purging the dead-letter stream (`npm run events -- dlq ...`). */

export interface DeadLetterOptions {
  /** The dead-letter stream. Default `materi:events:dlq`; tests pass their own. */
  deadLetterStream?: string;
}

export interface ListDeadLettersOptions extends DeadLetterOptions {
  /** Most letters returned. Default 100. */
  count?: number;
  /** Only letters after this dead-letter id (exclusive), for paging. Default: from the oldest. */
  after?: string;
}

export interface ReplayResult {
  /** The dead letter replayed (now deleted from the dead-letter stream). */
  deadLetterId: string;
  /** The stream it went back to. */
  stream: string;
  /** Its new id there. */
  newId: string;
}

/** Thrown when a dead-letter id is not (or no longer) in the dead-letter stream. */
export class DeadLetterNotFoundError extends Error {
  readonly code = "EVENTS_ERR_DEAD_LETTER_NOT_FOUND";

  constructor(
    readonly id: string,
    stream: string,
  ) {
    super(`no dead letter ${id} in ${stream}`);
    this.name = "DeadLetterNotFoundError";
  }
}

const PAGE = 100;

/** Dead letters, oldest first. */
export async function listDeadLetters(transport: EventTransport, options: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
  const start = options.after ? `(${options.after}` : "-";
  const entries = await transport.range(dlqOf(options), { start, count: options.count ?? PAGE });
  return entries.map(parseDeadLetter);
}

/**
 * Puts one dead letter's envelope back on its original stream, then deletes the dead letter.
 * Copy first: a crash between the two leaves it in both places (replayed twice, which the
 * handlers' idempotency by event_id absorbs), never in neither. Every group on that stream
 * receives it again, not only the one that failed: groups that handled it already skip it by
 * event_id.
 */
export async function replayDeadLetter(transport: EventTransport, id: string, options: DeadLetterOptions = {}): Promise<ReplayResult> {
  const dlq = dlqOf(options);
  const [entry] = await transport.range(dlq, { start: id, end: id });
  if (!entry) throw new DeadLetterNotFoundError(id, dlq);
  return replayEntry(transport, dlq, entry);
}

/**
 * Replays every dead letter present when called (letters dead-lettered again during the replay
 * are left for the next one). Letters without an envelope cannot be replayed and are skipped.
 */
export async function replayAllDeadLetters(
  transport: EventTransport,
  options: DeadLetterOptions = {},
): Promise<{ replayed: ReplayResult[]; skipped: DeadLetter[] }> {
  const dlq = dlqOf(options);
  const end = await lastId(transport, dlq);
  const replayed: ReplayResult[] = [];
  const skipped: DeadLetter[] = [];
  let start = "-";
  while (end) {
    const page = await transport.range(dlq, { start, end, count: PAGE });
    for (const entry of page) {
      if (entry.fields["envelope"]) replayed.push(await replayEntry(transport, dlq, entry));
      else skipped.push(parseDeadLetter(entry));
    }
    if (page.length < PAGE) break;
    start = `(${page.at(-1)!.id}`;
  }
  return { replayed, skipped };
}

/** Deletes every dead letter present when called; returns how many. Letters arriving meanwhile stay. */
export async function purgeDeadLetters(transport: EventTransport, options: DeadLetterOptions = {}): Promise<number> {
  const dlq = dlqOf(options);
  const end = await lastId(transport, dlq);
  if (!end) return 0;
  const { ms, seq } = parseId(end);
  // Exact trim below the id just after the last one seen, rather than DEL: a letter written
  // after we looked is kept for the operator to see.
  return transport.trim(dlq, `${ms}-${seq + 1}`);
}

async function replayEntry(transport: EventTransport, dlq: string, entry: StreamEntry): Promise<ReplayResult> {
  const letter = parseDeadLetter(entry);
  if (!letter.envelope || !letter.stream) {
    throw new Error(`dead letter ${letter.id} has no envelope or original stream to replay; purge it instead`);
  }
  const fields = { event_type: letter.eventType, envelope: letter.envelope, replayed_from: letter.id };
  const newId = await transport.append(letter.stream, fields, { retentionMs: retentionFor(letter.stream) });
  await transport.deleteEntries(dlq, [letter.id]);
  return { deadLetterId: letter.id, stream: letter.stream, newId };
}

// The transport has no reverse range; a dead-letter stream is small, so page forward to its end.
async function lastId(transport: EventTransport, dlq: string): Promise<string | undefined> {
  let last: string | undefined;
  for (;;) {
    const page = await transport.range(dlq, { start: last ? `(${last}` : "-", count: 1_000 });
    if (page.length === 0) return last;
    last = page.at(-1)!.id;
  }
}

function dlqOf(options: DeadLetterOptions): string {
  return options.deadLetterStream ?? DLQ_STREAM;
}
