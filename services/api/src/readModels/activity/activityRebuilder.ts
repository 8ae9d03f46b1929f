import {
  catalogDecoders,
  decodeEnvelope,
  fieldText,
  MalformedEnvelopeError,
  parseId,
  streamName,
  type EventTransport,
  type PayloadDecoderSource,
  type StreamDomain,
} from "@materi/events";
import type { Database, Queryable } from "@materi/platform";
import {
  activityTotals,
  recomputeDays,
  recomputeLastEdits,
  resetAggregates,
  takePendingActivity,
  truncateActivity,
  waitForRollupLock,
} from "../../store/activityStore.js";
import { isActivityEventType, recordActivities, type ActivityInput } from "./activityRecorder.js";

/** The retained streams the activity model is built from. */
export const ACTIVITY_STREAMS: readonly StreamDomain[] = ["collaboration", "ai", "documents"];
const PAGE = 1_000;
const ROLLUP_BATCH = 5_000;

export interface StreamReport {
  entries: number;
  recorded: number;
  skipped: number;
  oldest_entry: string | null;
}

export interface ActivityRebuildReport {
  /** Where events were read from: the Redis streams, or none (in-process transport). */
  log: "redis" | "none";
  note?: string;
  streams: Record<string, StreamReport>;
  raw_events: number;
  workspace_days: number;
  documents: number;
}

export interface ActivityRebuildOptions {
  db: Pick<Database, "transaction" | "query">;
  /** The event log; undefined or in-process: no durable log to read, the raw rows are all there is. */
  transport?: EventTransport | undefined;
  streamPrefix?: string;
  /** Decoders of the envelopes' payloads. Default: the compiled-in catalog. */
  decoders?: PayloadDecoderSource;
  /** Drop the raw rows first, so the model holds exactly what the log still retains. Default false. */
  fromLogOnly?: boolean;
}

/**
 * Rebuilds the activity read model (event sourcing: reconstructed, never hand-fixed): every
 * retained entry of the collaboration, ai and documents streams is recorded again (idempotent by
 * event_id, so rows lost or never consumed come back), then every aggregate is dropped and
 * recomputed from the raw rows. One transaction holding the roll-up lock: readers see the old
 * model until it commits, and the live batch waits.
 */
export async function rebuildActivity(options: ActivityRebuildOptions): Promise<ActivityRebuildReport> {
  const durable = options.transport?.kind === "redis" ? options.transport : undefined;
  const streams: Record<string, StreamReport> = {};
  await options.db.transaction(async (tx) => {
    await waitForRollupLock(tx);
    if (options.fromLogOnly) await truncateActivity(tx);
    if (durable) {
      for (const domain of ACTIVITY_STREAMS) {
        const name = streamName(domain, options.streamPrefix);
        streams[name] = await replayStream(tx, durable, name, options.decoders ?? catalogDecoders);
      }
    }
    await resetAggregates(tx);
    for (;;) {
      const pending = await takePendingActivity(tx, ROLLUP_BATCH);
      await recomputeDays(tx, pending.days);
      await recomputeLastEdits(tx, pending.documentIds);
      if (pending.count < ROLLUP_BATCH) break;
    }
  });
  const totals = await activityTotals(options.db);
  return {
    log: durable ? "redis" : "none",
    ...(durable
      ? {}
      : {
          note:
            "REDIS_URL is not set: the in-process transport keeps no event log outside the running service, " +
            "so the aggregates were recomputed from the recorded raw activity only.",
        }),
    streams,
    ...totals,
  };
}

async function replayStream(tx: Queryable, transport: EventTransport, stream: string, decoders: PayloadDecoderSource): Promise<StreamReport> {
  const report: StreamReport = { entries: 0, recorded: 0, skipped: 0, oldest_entry: null };
  let start = "-";
  for (;;) {
    const entries = await transport.range(stream, { start, end: "+", count: PAGE });
    const inputs: ActivityInput[] = [];
    for (const entry of entries) {
      report.entries++;
      report.oldest_entry ??= new Date(parseId(entry.id).ms).toISOString();
      const input = await decodeActivity(entry.fields, decoders);
      if (input) inputs.push(input);
    }
    // One page in a few statements: a retained collaboration stream holds an entry per keystroke.
    const recorded = await recordActivities(tx, inputs);
    report.recorded += recorded;
    report.skipped += inputs.length - recorded;
    const last = entries.at(-1);
    if (!last || entries.length < PAGE) return report;
    const { ms, seq } = parseId(last.id);
    start = `${ms}-${seq + 1}`;
  }
}

/** The entry as an activity event; null for other types and for entries that do not decode (the DLQ has those). */
async function decodeActivity(fields: Readonly<Record<string, Buffer>>, decoders: PayloadDecoderSource): Promise<ActivityInput | null> {
  const type = fieldText({ id: "", fields }, "event_type");
  const envelope = fields["envelope"];
  if (!type || !isActivityEventType(type) || !envelope) return null;
  try {
    const decoded = await decodeEnvelope(envelope, decoders);
    if (!isActivityEventType(decoded.eventType)) return null;
    return { eventId: decoded.envelope.eventId, eventType: decoded.eventType, envelope: decoded.envelope, payload: decoded.payload } as ActivityInput;
  } catch (err) {
    if (err instanceof MalformedEnvelopeError) return null;
    throw err;
  }
}
