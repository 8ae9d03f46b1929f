import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "@materi/platform";
import { DLQ_STREAM } from "../streams.js";
import type { EventTransport } from "../transports/EventTransport.js";

/** What a handler receives: one stream entry, decoded as far as the transport layer can. */
export interface ConsumedEntry {
  /** Stream it was read from. */
  readonly stream: string;
  /** Consumer group reading it: the key, with event_id, of the handler's processed_events row. */
  readonly group: string;
  /** Entry id on the stream. */
  readonly id: string;
  /** The `event_type` field. */
  readonly eventType: string;
  /** The binary EventEnvelope (decode with the envelope module). */
  readonly envelope: Buffer;
  /** Every field as bytes, for anything beyond the two above. */
  readonly fields: Readonly<Record<string, Buffer>>;
  /** How many times it has been delivered, this time included: above 1 means a retry or a takeover. */
  readonly deliveries: number;
}

/** One handled (or given-up) entry, for `event_processing_duration_seconds` and friends. */
export interface ConsumeObservation {
  stream: string;
  group: string;
  eventType: string;
  /** Handler time in ms; 0 when the handler was not called. */
  durationMs: number;
  /** ok: acknowledged; retry: left pending for another attempt; dead_letter: copied to the DLQ and acknowledged. */
  outcome: "ok" | "retry" | "dead_letter";
}

export interface onDeadLetterPayload {
  stream: string;
  group: string;
  /** The original entry id. */
  entryId: string;
  /** Id of the copy on the dead-letter stream. */
  deadLetterId: string;
  eventType: string;
  /** Delivery attempts made. */
  attempts: number;
  /** Why it was given up. */
  error: string;
}

export type ConsumerLogger = Pick<Logger, "info" | "warn" | "error">;

export interface ConsumerOptions {
  /** Where entries come from. */
  transport: EventTransport;
  /** Stream to consume, e.g. streamName("users"). */
  stream: string;
  /** Consumer group: the consuming service's name (streams.ts CONSUMER_GROUPS). */
  group: string;
  /** Names this consumer within its group. Default `<hostname>-<pid>-<random>`: unique per process. */
  consumer?: string;
  /** Handles one entry; resolve to acknowledge it, throw to retry it (or a PermanentError to dead-letter it at once). */
  handler: (entry: ConsumedEntry) => Promise<void>;
  /** Entries per read and per claim. Default 50. */
  batchSize?: number;
  /** How long one read waits for new entries, in ms; also bounds how long stop() waits. Default 2000. */
  blockMs?: number;
  /** Entries pending this long, in ms, are taken over from their consumer (presumed dead). Default 30000. */
  claimIdleMs?: number;
  /** How often to look for such entries, in ms. Default min(claimIdleMs, 5000). */
  claimIntervalMs?: number;
  /** Deliveries an entry gets before it is dead-lettered. Default 5. */
  maxDeliveries?: number;
  /** Where a missing group starts: "$" (new entries only) or "0" (the whole retained stream). Default "$". */
  startId?: string;
  /** The dead-letter stream. Default `materi:events:dlq`. */
  deadLetterStream?: string;
  /** First wait after a transport error, in ms, doubling up to `maxRetryDelayMs`. Default 100. */
  retryDelayMs?: number;
  /** Longest wait between attempts while the transport is down, in ms. Default 5000. */
  maxRetryDelayMs?: number;
  /** Called after an entry was copied to the dead-letter stream and acknowledged. */
  onDeadLetter?: (payload: onDeadLetterPayload) => void | Promise<void>;
  /** Called once per entry outcome; wire it to prom-client. Must not throw (a throw is logged and ignored). */
  observe?: (observation: ConsumeObservation) => void;
  /** Where failures are logged; pass the service's pino logger. Default: JSON lines on the console. */
  logger?: ConsumerLogger;
}

export type ConsumerSettings = Required<Omit<ConsumerOptions, "onDeadLetter" | "observe">> &
  Pick<ConsumerOptions, "onDeadLetter" | "observe">;

/** Options merged over the defaults (hocuspocus-style `defaultConfiguration`). */
export function consumerSettings(options: ConsumerOptions): ConsumerSettings {
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  return {
    ...options,
    consumer: options.consumer ?? defaultConsumerName(),
    batchSize: options.batchSize ?? 50,
    blockMs: options.blockMs ?? 2_000,
    claimIdleMs,
    claimIntervalMs: options.claimIntervalMs ?? Math.min(claimIdleMs, 5_000),
    maxDeliveries: options.maxDeliveries ?? 5,
    startId: options.startId ?? "$",
    deadLetterStream: options.deadLetterStream ?? DLQ_STREAM,
    retryDelayMs: options.retryDelayMs ?? 100,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 5_000,
    logger: options.logger ?? consoleLogger,
  };
}

/** `<hostname>-<pid>-<random>`: a restarted process is a new consumer, its old pending entries get claimed. */
export function defaultConsumerName(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

// A fallback that keeps failures visible when no logger was passed; services pass their pino logger.
const consoleLogger: ConsumerLogger = {
  info: (obj: unknown, msg?: string) => console.info(JSON.stringify({ level: "info", msg, ...asObject(obj) })),
  warn: (obj: unknown, msg?: string) => console.warn(JSON.stringify({ level: "warn", msg, ...asObject(obj) })),
  error: (obj: unknown, msg?: string) => console.error(JSON.stringify({ level: "error", msg, ...asObject(obj) })),
} as ConsumerLogger;

function asObject(obj: unknown): Record<string, unknown> {
  if (obj instanceof Error) return { err: obj.message };
  if (typeof obj !== "object" || obj === null) return { detail: String(obj) };
  const { err, ...rest } = obj as { err?: unknown };
  return err instanceof Error ? { ...rest, err: err.message } : { ...rest };
}
