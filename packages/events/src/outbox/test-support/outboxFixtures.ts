import type { DocumentEvent } from "@materi/contracts";
import type { Database } from "@materi/platform";
import { documentUpdated } from "../../bus/test-support/busFixtures.js";
import { catalogDecoders, decodeEnvelope } from "../../envelope/index.js";
import type { EventTransport } from "../../transports/EventTransport.js";
import { enqueueEvent } from "../enqueueEvent.js";

/** One document.updated as read back from a stream. */
export interface SeenChange {
  eventId: string;
  documentId: string;
  seq: number;
}

/** Commits changes to `aggregates` documents through the outbox, in sequence per document. */
export async function commitChanges(
  db: Database,
  options: { schema: string; prefix: string; aggregates: number; perAggregate: number; concurrency?: number },
): Promise<string[]> {
  const loop = startCommitLoop({ ...options, concurrency: options.concurrency ?? 4, pauseMs: 0 }, async (documentId, seq) => {
    const { eventId } = await db.transaction((tx) =>
      enqueueEvent(tx, { schema: options.schema, streamPrefix: options.prefix, aggregateId: documentId, eventType: "document.updated", payload: documentUpdated(documentId, seq) }),
    );
    return eventId;
  });
  await loop.done;
  return loop.eventIds;
}

/** A running loop of committed changes (state row + outbox event in one transaction). */
export interface CommitLoop {
  /** Event ids in commit order so far. */
  readonly eventIds: string[];
  /** Resolves when every change is committed. */
  readonly done: Promise<void>;
}

/**
 * Commits `perAggregate` changes to each of `aggregates` documents through `enqueue`, with
 * `concurrency` workers pausing `pauseMs` after each commit. Each document's changes are made in
 * sequence (seq 1, 2, ...), like a service whose writes to one document serialize on its row.
 */
export function startCommitLoop(
  options: { aggregates: number; perAggregate: number; concurrency: number; pauseMs: number },
  enqueue: (documentId: string, seq: number) => Promise<string>,
): CommitLoop {
  const eventIds: string[] = [];
  const next = new Map<string, number>();
  const work = Array.from({ length: options.aggregates * options.perAggregate }, (_, i) => `doc-${i % options.aggregates}`);
  const inFlight = new Set<string>();
  const worker = async (): Promise<void> => {
    for (;;) {
      const at = work.findIndex((documentId) => !inFlight.has(documentId));
      if (at < 0) return;
      const documentId = work.splice(at, 1)[0]!;
      inFlight.add(documentId);
      const seq = (next.get(documentId) ?? 0) + 1;
      next.set(documentId, seq);
      eventIds.push(await enqueue(documentId, seq));
      inFlight.delete(documentId);
      await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  };
  const done = Promise.all(Array.from({ length: options.concurrency }, worker)).then(() => undefined);
  return { eventIds, done };
}

/** Every document.updated on `stream`, in stream order. */
export async function readChanges(transport: EventTransport, stream: string): Promise<SeenChange[]> {
  const entries = await transport.range(stream);
  return Promise.all(
    entries.map(async (entry) => {
      const { envelope, payload } = await decodeEnvelope(entry.fields["envelope"]!, catalogDecoders);
      const event = payload as DocumentEvent;
      return { eventId: envelope.eventId, documentId: event.documentId, seq: Number(event.content?.["seq"]) };
    }),
  );
}

/**
 * Checks what consumers deduplicating by event_id would see: each event once, in order per
 * aggregate. Returns a list of problems (empty when all is well) and how many duplicates there were.
 */
export function checkPerAggregateOrder(seen: readonly SeenChange[], expectedIds: readonly string[]): { problems: string[]; duplicates: number } {
  const problems: string[] = [];
  const firstSeen = new Set<string>();
  const lastSeq = new Map<string, number>();
  let duplicates = 0;
  for (const change of seen) {
    if (firstSeen.has(change.eventId)) {
      duplicates += 1;
      continue;
    }
    firstSeen.add(change.eventId);
    const previous = lastSeq.get(change.documentId) ?? 0;
    if (change.seq !== previous + 1) problems.push(`${change.documentId}: seq ${change.seq} after ${previous}`);
    lastSeq.set(change.documentId, change.seq);
  }
  const expected = new Set(expectedIds);
  const invented = [...firstSeen].filter((id) => !expected.has(id));
  const missing = expectedIds.filter((id) => !firstSeen.has(id));
  if (invented.length > 0) problems.push(`${invented.length} events nobody enqueued`);
  if (missing.length > 0) problems.push(`${missing.length} events missing`);
  return { problems, duplicates };
}
