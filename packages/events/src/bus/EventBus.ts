import type { MessageShape } from "@bufbuild/protobuf";
import type { EventEnvelope } from "@materi/contracts";
import type { Metrics, Queryable } from "@materi/platform";
import type { EventType, PayloadSchemaOf } from "../catalog/index.js";
import type { ConsumedEntry, ConsumerLogger, ConsumerOptions } from "../consumer/consumerOptions.js";
import type { RunningConsumer } from "../consumer/startConsumer.js";
import type { IdempotencyOptions } from "../idempotency/processOnce.js";
import type { SchemaRegistry } from "../registry/index.js";
import type { StreamDomain } from "../streams.js";
import type { EventTransport } from "../transports/EventTransport.js";

/** The generated payload message of `T`, e.g. UserEvent for "user.created". */
export type PayloadOf<T extends EventType> = MessageShape<PayloadSchemaOf<T>>;

export interface EventBusOptions {
  /** This service's name: the envelopes' source_service and the default consumer group, e.g. "api". */
  service: string;
  /** Where entries go and come from (createTransport: Redis, or in-process when REDIS_URL is unset). */
  transport: EventTransport;
  /**
   * Registry for publish (schema_version = catalogVersion, so call registerCatalog() first) and
   * decode (any registered version). Default none: version 1 and the compiled-in catalog decoders.
   */
  registry?: SchemaRegistry;
  /** Where event_processing_duration_seconds, event_queue_depth and integration_errors_total go. Default none. */
  metrics?: Metrics;
  /** The service's pino logger (only info, warn and error are used). */
  logger: ConsumerLogger;
  /** Stream key prefix (streamName's); tests pass a unique one. Default "materi". */
  streamPrefix?: string;
  /** How often event_queue_depth is sampled per consumed stream, in ms. Default 5000. */
  queueDepthIntervalMs?: number;
}

/** Where a published event landed. */
export interface PublishResult {
  /** The envelope's event_id (UUID v4). */
  eventId: string;
  /** The stream entry id. */
  entryId: string;
}

/** One event of publishMany: the type and its generated payload message. */
export type PublishItem = { [T in EventType]: { eventType: T; payload: PayloadOf<T> } }[EventType];

/** What a handler receives: the decoded event, narrowed by `eventType`. */
export type BusEvent<T extends EventType = EventType> = {
  [K in T]: {
    eventId: string;
    eventType: K;
    /** The decoded envelope (correlation_id, timestamp, metadata...). */
    envelope: EventEnvelope;
    /** The payload, decoded with the schema version the publisher wrote. */
    payload: PayloadOf<K>;
    /** `metadata.schema_version` of the envelope. */
    schemaVersion: number;
    /** The raw stream entry (id, deliveries, fields). */
    entry: ConsumedEntry;
  };
}[T];

export interface HandlerContext {
  /** The stream the entry came from. */
  stream: string;
  /** The consumer group handling it. */
  group: string;
  /** Deliveries so far, this one included: above 1 means a retry or a takeover. */
  deliveries: number;
}

/** With `idempotency`: the transaction that also records the event as processed. */
export interface IdempotentHandlerContext extends HandlerContext {
  /** Run the handler's writes on it: they commit together with the processed_events row, or not at all. */
  tx: Queryable;
}

/** The consumer settings a subscription may tune (see ConsumerOptions for units and defaults). */
export type ConsumerTuning = Partial<
  Pick<
    ConsumerOptions,
    | "consumer"
    | "batchSize"
    | "blockMs"
    | "claimIdleMs"
    | "claimIntervalMs"
    | "maxDeliveries"
    | "startId"
    | "deadLetterStream"
    | "retryDelayMs"
    | "maxRetryDelayMs"
    | "onDeadLetter"
  >
>;

interface SubscribeBase<T extends EventType> extends ConsumerTuning {
  /** Consumer group: a service name (the spec's table). Default: the bus's service. */
  group?: string;
  /** Streams to consume, by domain. Default: the streams of `eventTypes`. */
  streams?: readonly StreamDomain[];
  /**
   * The event types this handler applies to (outline's `static applicableEvents`); entries of
   * other types on the same streams are acknowledged without calling it. Default: every type.
   */
  eventTypes?: readonly T[];
}

/** A handler without a database: it must be idempotent by event_id on its own. */
export interface PlainSubscribeOptions<T extends EventType> extends SubscribeBase<T> {
  idempotency?: undefined;
  handler: (event: BusEvent<T>, ctx: HandlerContext) => Promise<void>;
}

/** A handler whose effects are written in `ctx.tx`, with the processed_events row: a redelivery has no second effect. */
export interface IdempotentSubscribeOptions<T extends EventType> extends SubscribeBase<T> {
  idempotency: IdempotencyOptions;
  handler: (event: BusEvent<T>, ctx: IdempotentHandlerContext) => Promise<void>;
}

export type SubscribeOptions<T extends EventType = EventType> = PlainSubscribeOptions<T> | IdempotentSubscribeOptions<T>;

export interface Subscription {
  /** The stream names consumed. */
  readonly streams: readonly string[];
  /** The consumer group. */
  readonly group: string;
  /** One consumer loop per stream. */
  readonly consumers: readonly RunningConsumer[];
  /** Finishes the batches in flight, then stops. Idempotent. */
  stop(): Promise<void>;
}

/** Typed publish and subscribe over an EventTransport (issue 4, §3-§4, §7). */
export interface EventBus {
  readonly service: string;
  readonly transport: EventTransport;
  /** Validates, wraps in an envelope and appends one event to its stream (one XADD). */
  publish<T extends EventType>(eventType: T, payload: PayloadOf<T>): Promise<PublishResult>;
  /**
   * The same for many events in one pipelined round trip; results in input order. All are
   * validated before any is sent: one invalid event refuses the whole batch.
   */
  publishMany(events: readonly PublishItem[]): Promise<PublishResult[]>;
  /**
   * Starts consuming. One subscription per (stream, group) and bus: a second one would split the
   * group's entries between the two handlers, and each would ack the other's events unseen.
   */
  subscribe<T extends EventType = EventType>(options: IdempotentSubscribeOptions<T>): Subscription;
  subscribe<T extends EventType = EventType>(options: PlainSubscribeOptions<T>): Subscription;
  /** Stops every subscription and the queue-depth sampler. The transport is left open (its owner closes it). */
  close(): Promise<void>;
}
