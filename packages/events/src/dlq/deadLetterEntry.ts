import { fieldText, type EntryFields, type StreamEntry } from "../transports/EventTransport.js";

/**
 * A dead letter: an entry a consumer group gave up on, copied to `materi:events:dlq` with why
 * (issue 4, §4). The original envelope bytes are kept so a replay publishes exactly what failed.
 */
export interface DeadLetter {
  /** Id of the dead-letter entry itself (what `dlq replay <id>` takes). */
  id: string;
  /** The stream the entry came from, e.g. materi:events:users. */
  stream: string;
  /** Its id there. */
  originalId: string;
  /** The consumer group that failed it. */
  group: string;
  /** The consumer that gave up. */
  consumer: string;
  /** `event_type` field of the original entry ("" when it had none). */
  eventType: string;
  /** The original envelope bytes; undefined when the entry had none. */
  envelope: Buffer | undefined;
  /** The last failure reason. */
  error: string;
  /** Delivery attempts made. */
  attempts: number;
  /** When it was dead-lettered, ISO 8601. */
  failedAt: string;
}

// Field names on the dead-letter stream: snake_case like `event_type`, readable from redis-cli.
const F = {
  stream: "original_stream",
  originalId: "original_id",
  group: "group",
  consumer: "consumer",
  eventType: "event_type",
  envelope: "envelope",
  error: "error",
  attempts: "attempts",
  failedAt: "failed_at",
} as const;

/** The dead-letter stream entry for `letter`. */
export function deadLetterFields(letter: Omit<DeadLetter, "id">): EntryFields {
  const fields: Record<string, string | Buffer> = {
    [F.stream]: letter.stream,
    [F.originalId]: letter.originalId,
    [F.group]: letter.group,
    [F.consumer]: letter.consumer,
    [F.eventType]: letter.eventType,
    [F.error]: letter.error,
    [F.attempts]: String(letter.attempts),
    [F.failedAt]: letter.failedAt,
  };
  if (letter.envelope) fields[F.envelope] = letter.envelope;
  return fields;
}

/** Reads a dead-letter stream entry back; missing fields read as empty. */
export function parseDeadLetter(entry: StreamEntry): DeadLetter {
  const text = (name: string): string => fieldText(entry, name) ?? "";
  return {
    id: entry.id,
    stream: text(F.stream),
    originalId: text(F.originalId),
    group: text(F.group),
    consumer: text(F.consumer),
    eventType: text(F.eventType),
    envelope: entry.fields[F.envelope],
    error: text(F.error),
    attempts: Number(text(F.attempts)) || 0,
    failedAt: text(F.failedAt),
  };
}
