export {
  fieldText,
  isNoGroupError,
  type EventTransport,
  type AppendItem,
  type AppendOptions,
  type ClaimResult,
  type DeliveredEntry,
  type EntryFields,
  type FieldValue,
  type GroupInfo,
  type RangeOptions,
  type ReadGroupOptions,
  type StreamEntry,
} from "./transports/EventTransport.js";
export { compareIds, idAtTime, parseId } from "./transports/entryId.js";
export { createMemoryTransport, MemoryTransport, type MemoryTransportOptions } from "./transports/memory.js";
export { createRedisTransport, RedisTransport, type RedisTransportOptions } from "./transports/redis.js";
export { createTransport } from "./transports/createTransport.js";
export * from "./streams.js";
export { startConsumer, type RunningConsumer } from "./consumer/startConsumer.js";
export { tailStream, type TailStreamOptions } from "./consumer/tailStream.js";
export {
  defaultConsumerName,
  type ConsumedEntry,
  type ConsumeObservation,
  type ConsumerLogger,
  type ConsumerOptions,
  type onDeadLetterPayload,
} from "./consumer/consumerOptions.js";
export { PermanentError, isPermanent, failureReason } from "./consumer/errors.js";
export { deadLetterFields, parseDeadLetter, type DeadLetter } from "./dlq/deadLetterEntry.js";
export {
  DeadLetterNotFoundError,
  listDeadLetters,
  purgeDeadLetters,
  replayAllDeadLetters,
  replayDeadLetter,
  type DeadLetterOptions,
  type ListDeadLettersOptions,
  type ReplayResult,
} from "./dlq/deadLetters.js";
export { eventTablesMigration, outboxChannel } from "./store/eventTablesMigration.js";
export { createEventBus } from "./bus/createEventBus.js";
export type {
  BusEvent,
  ConsumerTuning,
  EventBus,
  EventBusOptions,
  HandlerContext,
  IdempotentHandlerContext,
  IdempotentSubscribeOptions,
  PayloadOf,
  PlainSubscribeOptions,
  PublishItem,
  PublishResult,
  SubscribeOptions,
  Subscription,
} from "./bus/EventBus.js";
export { writeEnvelope, type WrittenEnvelope } from "./bus/envelopeWriter.js";
export { enqueueEvent, type EnqueueEventOptions, type EnqueueSettings, type EnqueuedEvent } from "./outbox/enqueueEvent.js";
export { startOutboxDispatcher, type OutboxDispatcher, type OutboxDispatcherOptions } from "./outbox/startOutboxDispatcher.js";
export { OUTBOX_PARTITIONS, partitionOf } from "./outbox/partitions.js";
export {
  processOnce,
  pruneProcessedEvents,
  type IdempotencyOptions,
  type ProcessOnceKey,
  type ProcessOnceResult,
  type PruneProcessedEventsOptions,
} from "./idempotency/processOnce.js";
export * from "./catalog/index.js";
export * from "./envelope/index.js";
export * from "./registry/index.js";
export { startEventedService, type EventedServiceSpec } from "./service/startEventedService.js";
export { startServiceEvents, type ServiceEvents, type ServiceEventsOptions } from "./service/startServiceEvents.js";
