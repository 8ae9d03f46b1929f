import type { Message } from "@bufbuild/protobuf";
import { currentCorrelationId, currentTraceparent, SpanNames, withSpan } from "@materi/platform";
import { isEventType } from "../catalog/index.js";
import { InvalidEventError } from "../envelope/index.js";
import type { SchemaRegistry } from "../registry/index.js";
import { retentionFor, streamFor } from "../streams.js";
import type { AppendItem, EventTransport } from "../transports/EventTransport.js";
import { writeEnvelope, type WrittenEnvelope } from "./envelopeWriter.js";
import type { PublishItem, PublishResult } from "./EventBus.js";

export interface PublisherSettings {
  service: string;
  transport: EventTransport;
  registry: SchemaRegistry | undefined;
  prefix: string | undefined;
}

/**
 * publish: one `Event Publish` span (stream, type, size) around building the envelope and its
 * XADD. The envelope is built inside the span, so its metadata.traceparent names this span and
 * the consumer's `Event Consume` span becomes its child.
 */
export function publishOne(s: PublisherSettings, eventType: string, payload: Message): Promise<PublishResult> {
  const stream = streamOf(s, eventType);
  return withSpan(SpanNames.eventPublish, { stream, type: eventType }, async (span) => {
    const { eventId, bytes } = envelopeFor(s, eventType, payload, { correlationId: currentCorrelationId(), traceparent: currentTraceparent() });
    span.setAttribute("size", bytes.length);
    const entryId = await s.transport.append(stream, { envelope: bytes, event_type: eventType }, { retentionMs: retentionFor(stream) });
    return { eventId, entryId };
  });
}

/**
 * publishMany: one pipelined appendMany for the whole batch, and one `Event Publish` span per
 * event type in it (size = the type's bytes, count = its events), open until the batch is
 * acknowledged. A span per event would cost more than the XADD it describes.
 */
export async function publishBatch(s: PublisherSettings, events: readonly PublishItem[]): Promise<PublishResult[]> {
  if (events.length === 0) return [];
  const groups = groupByType(s, events);
  const written = new Array<WrittenEnvelope>(events.length);
  const batch = new BatchBarrier(groups.length);
  // One correlation id per batch; one traceparent per span (every envelope of a type names its span).
  const correlationId = currentCorrelationId();
  const spans = groups.map(({ eventType, stream, indices }) =>
    withSpan(SpanNames.eventPublish, { stream, type: eventType, count: indices.length }, async (span) => {
      try {
        const context = { correlationId, traceparent: currentTraceparent() };
        let size = 0;
        for (const i of indices) size += (written[i] = envelopeFor(s, eventType, events[i]!.payload, context)).bytes.length;
        span.setAttribute("size", size);
      } catch (err) {
        batch.fail(err);
        throw err;
      }
      batch.built();
      await batch.appended;
    }),
  );
  try {
    await batch.allBuilt;
    const streams = new Map(groups.map((g) => [g.eventType, g.stream]));
    const items: AppendItem[] = events.map((e, i) => appendItem(streams.get(e.eventType)!, e.eventType, written[i]!));
    batch.finish(await s.transport.appendMany(items));
  } catch (err) {
    batch.fail(err);
    await Promise.allSettled(spans);
    throw err;
  }
  await Promise.all(spans);
  const ids = await batch.appended;
  return written.map((w, i) => ({ eventId: w.eventId, entryId: ids[i]! }));
}

interface PublishContext {
  correlationId: string;
  traceparent: string | undefined;
}

function envelopeFor(s: PublisherSettings, eventType: string, payload: Message, context: PublishContext): WrittenEnvelope {
  return writeEnvelope({
    eventType,
    payload,
    sourceService: s.service,
    ...context,
    // Without a registry every type is at version 1, which is what registerCatalog gives a fresh database.
    schemaVersion: s.registry ? s.registry.catalogVersion(eventType) : 1,
  });
}

/** The stream of a catalog type; an unknown type is refused like any other invalid event. */
function streamOf(s: PublisherSettings, eventType: string): string {
  if (!isEventType(eventType)) throw new InvalidEventError("unknown_event_type", eventType, "the event catalog does not list this type");
  return streamFor(eventType, s.prefix);
}

interface TypeGroup {
  eventType: string;
  stream: string;
  indices: number[];
}

function groupByType(s: PublisherSettings, events: readonly PublishItem[]): TypeGroup[] {
  const byType = new Map<string, TypeGroup>();
  events.forEach((event, i) => {
    const group = byType.get(event.eventType);
    if (group) group.indices.push(i);
    else byType.set(event.eventType, { eventType: event.eventType, stream: streamOf(s, event.eventType), indices: [i] });
  });
  return [...byType.values()];
}

function appendItem(stream: string, eventType: string, w: WrittenEnvelope): AppendItem {
  return { stream, fields: { envelope: w.bytes, event_type: eventType }, retentionMs: retentionFor(stream) };
}

/** Lets the per-type spans build their envelopes, wait for the one XADD pipeline, then end together. */
class BatchBarrier {
  readonly allBuilt: Promise<void>;
  readonly appended: Promise<string[]>;
  private onBuilt!: { resolve: () => void; reject: (err: unknown) => void };
  private onAppended!: { resolve: (ids: string[]) => void; reject: (err: unknown) => void };

  constructor(private pending: number) {
    this.allBuilt = new Promise((resolve, reject) => (this.onBuilt = { resolve, reject }));
    this.appended = new Promise((resolve, reject) => (this.onAppended = { resolve, reject }));
    // Rejections are rethrown to the caller by publishBatch; these only keep Node from calling them unhandled.
    this.allBuilt.catch(() => undefined);
    this.appended.catch(() => undefined);
  }

  built(): void {
    this.pending -= 1;
    if (this.pending === 0) this.onBuilt.resolve();
  }

  fail(err: unknown): void {
    this.onBuilt.reject(err);
    this.onAppended.reject(err);
  }

  finish(ids: string[]): void {
    this.onAppended.resolve(ids);
  }
}
