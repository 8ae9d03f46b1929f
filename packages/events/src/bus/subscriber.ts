import { recordEventFailure, runWithContext, runWithTraceparent, SpanNames, withSpan, type Metrics } from "@materi/platform";
import { isEventType, type EventType } from "../catalog/index.js";
import type { ConsumedEntry, ConsumeObservation } from "../consumer/consumerOptions.js";
import { PermanentError } from "../consumer/errors.js";
import { catalogDecoders, decodeEnvelope, EnvelopeMetadata, type DecodedEnvelope } from "../envelope/index.js";
import { processOnce } from "../idempotency/processOnce.js";
import type { SchemaRegistry } from "../registry/index.js";
import type { BusEvent, HandlerContext, SubscribeOptions } from "./EventBus.js";

/**
 * The consumer handler of one subscription: skip entries of other types, decode, then run the
 * subscriber's handler as a continuation of the publisher's trace and request.
 *
 * Failures: a MalformedEnvelopeError (garbage bytes, unknown schema version) is permanent, so
 * startConsumer dead-letters it at once; a failing registry lookup or handler is retried.
 */
export function entryHandler<T extends EventType>(
  registry: SchemaRegistry | undefined,
  group: string,
  options: SubscribeOptions<T>,
): (entry: ConsumedEntry) => Promise<void> {
  const applicable = options.eventTypes ? new Set<string>(options.eventTypes) : undefined;
  const decoders = registry ?? catalogDecoders;
  return async (entry) => {
    // Filter on the plain field first: another type's entry costs no decoding.
    if (applicable && !applicable.has(entry.eventType)) return;
    const decoded = await decodeEnvelope(entry.envelope, decoders);
    if (entry.eventType !== "" && entry.eventType !== decoded.eventType) {
      throw new PermanentError(`entry field event_type "${entry.eventType}" disagrees with its envelope's "${decoded.eventType}"`);
    }
    if (applicable && !applicable.has(decoded.eventType)) return;
    const event = busEvent<T>(decoded, entry);
    const ctx: HandlerContext = { stream: entry.stream, group, deliveries: entry.deliveries };
    const traceparent = decoded.envelope.metadata[EnvelopeMetadata.traceparent];
    const attributes = { stream: entry.stream, consumer_group: group, event_type: decoded.eventType };
    // Root context + the publisher's traceparent: the consume span is a child of the publish span,
    // and the correlation id travels on to whatever the handler logs or publishes.
    await runWithTraceparent(traceparent, () =>
      runWithContext({ correlationId: decoded.envelope.correlationId }, () =>
        withSpan(SpanNames.eventConsume, attributes, async (span) => {
          const { processed } = await invoke(options, event, ctx);
          // A redelivery of an event this group already handled: no second effect.
          if (!processed) span.setAttribute("duplicate", true);
        }),
      ),
    );
  };
}

function busEvent<T extends EventType>(decoded: DecodedEnvelope, entry: ConsumedEntry): BusEvent<T> {
  const { envelope, eventType, schemaVersion, payload } = decoded;
  return { eventId: envelope.eventId, eventType, envelope, payload, schemaVersion, entry } as BusEvent<T>;
}

async function invoke<T extends EventType>(
  options: SubscribeOptions<T>,
  event: BusEvent<T>,
  ctx: HandlerContext,
): Promise<{ processed: boolean }> {
  if (options.idempotency === undefined) {
    await options.handler(event, ctx);
    return { processed: true };
  }
  const { handler, idempotency } = options;
  return processOnce(idempotency, { group: ctx.group, eventId: event.eventId }, (tx) => handler(event, { ...ctx, tx }));
}

/**
 * startConsumer's `observe` hook feeding the spec's metrics: handling time per (stream, group,
 * event_type), and every retry or dead letter in integration_errors_total (status = outcome).
 */
export function metricsObserver(metrics: Metrics): (o: ConsumeObservation) => void {
  return (o) => {
    // The field is whatever the writer put there (redis-cli can write anything): bound the label.
    const eventType = isEventType(o.eventType) ? o.eventType : "unknown";
    // A dead letter for too many deliveries never ran the handler here: no time to record.
    if (o.outcome === "ok" || o.durationMs > 0) {
      metrics.eventProcessingDuration.observe({ stream: o.stream, consumer_group: o.group, event_type: eventType }, o.durationMs / 1000);
    }
    if (o.outcome !== "ok") recordEventFailure(metrics, { stream: o.stream, status: o.outcome });
  };
}
