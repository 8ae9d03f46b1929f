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
  /**
   * A state change to write in the same statement as the event: one round trip, and outside a
   * transaction one commit (the change and its event are still atomic: one statement). `sql` is a
   * data-modifying statement with RETURNING and placeholders $1..$n for `params`; the event is
   * written only when it returns at least one row, and its rows come back as `changed`.
   */
  alongside?: { sql: string; params: unknown[] };
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
  /** With `alongside`: the rows the change returned; empty when it changed nothing, and then no event was written. */
  changed?: Record<string, unknown>[];
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
    const row = [partition, aggregateId, eventId, eventType, stream, bytes];
    if (options.alongside) {
      const changed = await insertAlongside(tx, schema, options.alongside, row);
      return { eventId, stream, partition, changed };
    }
    await tx.query(`insert into ${schema}.outbox (${OUTBOX_COLUMNS}) values ($1, $2, $3, $4, $5, $6)`, row);
    return { eventId, stream, partition };
  });
}

const OUTBOX_COLUMNS = "partition, aggregate_id, event_id, event_type, stream, envelope";

/**
 * `with change as (<sql>), event as (insert into outbox select <row> where the change returned a
 * row) select * from change`: the outbox row's placeholders follow the change's, typed as the
 * table's columns (an INSERT ... SELECT does not infer them).
 */
async function insertAlongside(tx: Queryable, schema: string, change: { sql: string; params: unknown[] }, row: unknown[]): Promise<Record<string, unknown>[]> {
  const at = (i: number) => `$${change.params.length + i}`;
  const { rows } = await tx.query<Record<string, unknown>>(
    `with change as (${change.sql}),
     event as (
       insert into ${schema}.outbox (${OUTBOX_COLUMNS})
       select ${at(1)}::smallint, ${at(2)}::text, ${at(3)}::uuid, ${at(4)}::text, ${at(5)}::text, ${at(6)}::bytea
        where exists (select 1 from change)
     )
     select * from change`,
    [...change.params, ...row],
  );
  return rows;
}
