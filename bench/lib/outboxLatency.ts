import { create, fromBinary } from "@bufbuild/protobuf";
import { DocumentEventSchema, EventEnvelopeSchema, type DocumentEvent } from "@materi/contracts";
import { enqueueEvent, startOutboxDispatcher, streamName, type ConsumerLogger, type EventTransport } from "@materi/events";
import type { Database } from "@materi/platform";
import { Redis } from "ioredis";
import { runPaced, summarize, type LatencySummary } from "./eventsStats.js";

export interface CommitToStreamOptions {
  /** Pool the service's transactions run on (schema "api" migrated with eventTablesMigration + api.documents). */
  db: Database;
  /** A second pool for the dispatcher, as a separate replica would have. */
  dispatcherDb: Database;
  transport: EventTransport;
  redisUrl: string;
  prefix: string;
  logger: ConsumerLogger;
  /** Committed changes per second, steady. */
  rate: number;
  seconds: number;
  warmupSeconds: number;
  /** Documents the changes are spread over. */
  documents: number;
}

export interface CommitToStreamResult {
  scenario: "outbox commit->stream";
  rate: number;
  committed: number;
  failed: number;
  latencyMs: LatencySummary;
}

/**
 * Time from a service's transaction (state update + enqueueEvent) resolving its COMMIT to the
 * entry being readable on the stream, seen by a reader blocked in XREAD on its own connection.
 * The dispatcher runs with its defaults: woken by the outbox trigger's NOTIFY.
 */
export async function commitToStream(o: CommitToStreamOptions): Promise<CommitToStreamResult> {
  const stream = streamName("documents", o.prefix);
  const dispatcher = startOutboxDispatcher({ db: o.dispatcherDb, schema: "api", transport: o.transport, logger: o.logger });
  const reader = startReader(o.redisUrl, stream);
  const committedAt = new Map<string, number>();
  let measuring = false;
  const change = async (i: number): Promise<void> => {
    const documentId = `doc-${i % o.documents}`;
    const eventId = await o.db.transaction(async (tx) => {
      await tx.query("update api.documents set seq = seq + 1 where id = $1", [documentId]);
      return (await enqueueEvent(tx, { schema: "api", streamPrefix: o.prefix, aggregateId: documentId, eventType: "document.updated", payload: documentChange(documentId, i) })).eventId;
    });
    if (measuring) committedAt.set(eventId, performance.now());
  };
  await o.db.query("insert into api.documents (id, seq) select 'doc-' || g, 0 from generate_series(0, $1::int - 1) g on conflict do nothing", [o.documents]);
  await runPaced(o.rate, o.warmupSeconds * 1000, change);
  measuring = true;
  const { sent, failed } = await runPaced(o.rate, o.seconds * 1000, change);
  measuring = false;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && [...committedAt.keys()].some((id) => !reader.seen.has(id))) await new Promise((r) => setTimeout(r, 20));
  await reader.stop();
  await dispatcher.stop();
  await o.transport.deleteStream(stream);
  // A reader may see an entry a hair before its writer's COMMIT reply arrives: that is 0 ms, not negative.
  const samples = [...committedAt].map(([id, at]) => Math.max(0, (reader.seen.get(id) ?? Number.POSITIVE_INFINITY) - at));
  return { scenario: "outbox commit->stream", rate: o.rate, committed: sent - failed, failed, latencyMs: summarize(samples) };
}

/** XREAD BLOCK on a dedicated connection, recording when each event_id became visible. */
function startReader(url: string, stream: string): { seen: Map<string, number>; stop(): Promise<void> } {
  const redis = new Redis(url);
  const seen = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    // From the start, not "$": an entry appended between two XREADs must not be skipped.
    let last = "0-0";
    while (!stopped) {
      const reply = (await redis.xreadBuffer("BLOCK", 200, "STREAMS", stream, last)) as Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
      const now = performance.now();
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        const at = fields.findIndex((f, i) => i % 2 === 0 && f.toString() === "envelope");
        seen.set(fromBinary(EventEnvelopeSchema, fields[at + 1]!).eventId, now);
        last = id.toString();
      }
    }
  })();
  return {
    seen,
    async stop() {
      stopped = true;
      await loop;
      redis.disconnect();
    },
  };
}

/** A document.updated payload: small, like a title or metadata change. */
function documentChange(documentId: string, seq: number): DocumentEvent {
  return create(DocumentEventSchema, { documentId, workspaceId: "bench-ws", userId: "bench-user", action: "updated", content: { seq } });
}
