import { currentCorrelationId, currentTraceparent, SpanNames, withSpan, type Queryable } from "@materi/platform";
import { isEventType } from "../catalog/index.js";
import { InvalidEventError } from "../envelope/index.js";
import type { SchemaRegistry } from "../registry/index.js";
import { checkSchemaName } from "../store/eventTablesMigration.js";
import { streamFor } from "../streams.js";
import { writeEnvelope } from "../bus/envelopeWriter.js";
import type { PublishItem } from "../bus/EventBus.js";
import { OUTBOX_PARTITIONS, partitionOf } from "./partitions.js";

/** Where and as whom an event is enqueued. */
export interface EnqueueSettings {
  /** The owner schema whose outbox receives the row, e.g. "api" (eventTablesMigration). */
  schema: string;
  /** The aggregate the event is about (document id, user id...): order is kept per aggregate. */
  aggregateId: string;
  /** The envelope's source_service. Default: `schema` (each schema belongs to the service of that name). */
  sourceService?: string;
  /** Registry whose catalogVersion gives schema_version (call registerCatalog() first). Default: version 1. */
  registry?: SchemaRegistry;
  /** Stream key prefix, as the bus's `streamPrefix`. Default "materi". */
  streamPrefix?: string;
  /** Partition count; must equal the dispatchers'. Default OUTBOX_PARTITIONS (16). */
  partitions?: number;
}

/** The settings plus the event: `eventType` and its generated `payload` message. */
export type EnqueueEventOptions = EnqueueSettings & PublishItem;

export interface EnqueuedEvent {
  /** The envelope's event_id: the same on every delivery, including a re-send after a dispatcher crash. */
  eventId: string;
  /** The stream it will be appended to. */
  stream: string;
  /** The outbox partition of its aggregate. */
  partition: number;
}

/**
 * Writes an event into `<schema>.outbox` in the caller's transaction `tx`, so it commits (or
 * rolls back) with the state change it describes (issue 4, §3). The envelope is built now, so
 * its correlation_id, traceparent and timestamp are those of the request, not of the
 * dispatcher that later appends it; the payload is validated now, so a bad event fails the
 * request instead of poisoning the outbox. The table's trigger wakes the dispatchers on commit.
 */
export async function enqueueEvent(tx: Queryable, options: EnqueueEventOptions): Promise<EnqueuedEvent> {
  const schema = checkSchemaName(options.schema);
  const { eventType, aggregateId } = options;
  if (!isEventType(eventType)) throw new InvalidEventError("unknown_event_type", eventType, "the event catalog does not list this type");
  const stream = streamFor(eventType, options.streamPrefix);
  const partition = partitionOf(aggregateId, options.partitions ?? OUTBOX_PARTITIONS);
  // The spec's publish span, here at the moment the service commits to the event: the consumer's
  // span becomes its child, across however long the event waits in the outbox.
  return withSpan(SpanNames.eventPublish, { stream, type: eventType, outbox: schema }, async (span) => {
    const { eventId, bytes } = writeEnvelope({
      eventType,
      payload: options.payload,
      sourceService: options.sourceService ?? schema,
      correlationId: currentCorrelationId(),
      traceparent: currentTraceparent(),
      schemaVersion: options.registry ? options.registry.catalogVersion(eventType) : 1,
    });
    span.setAttribute("size", bytes.length);
    await tx.query(
      `insert into ${schema}.outbox (partition, aggregate_id, event_id, event_type, stream, envelope)
       values ($1, $2, $3, $4, $5, $6)`,
      [partition, aggregateId, eventId, eventType, stream, bytes],
    );
    return { eventId, stream, partition };
  });
}
