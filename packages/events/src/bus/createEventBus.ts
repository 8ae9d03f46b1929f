import type { EventType } from "../catalog/index.js";
import { startConsumer, type RunningConsumer } from "../consumer/startConsumer.js";
import { domainFor, streamName, type StreamDomain } from "../streams.js";
import type { EventBus, EventBusOptions, SubscribeOptions, Subscription } from "./EventBus.js";
import { publishBatch, publishOne, type PublisherSettings } from "./publisher.js";
import { startQueueDepthSampler, type QueueDepthSampler, type QueueTarget } from "./queueDepthSampler.js";
import { entryHandler, metricsObserver } from "./subscriber.js";

const DEFAULT_QUEUE_DEPTH_INTERVAL_MS = 5_000;

/**
 * The event bus of one service (issue 4): typed publish over the transport, and subscriptions
 * that decode, trace, meter and (with `idempotency`) deduplicate by event_id. Transactional
 * publishing, where the event must commit with a state change, goes through the outbox instead
 * (enqueueEvent + startOutboxDispatcher).
 */
export function createEventBus(options: EventBusOptions): EventBus {
  const publisher: PublisherSettings = {
    service: options.service,
    transport: options.transport,
    registry: options.registry,
    prefix: options.streamPrefix,
  };
  const subscriptions = new Map<string, Subscription>();
  // Keyed by (stream, group), so a subscription to several streams is in the map once per stream.
  const running = (): Subscription[] => [...new Set(subscriptions.values())];
  const targets = (): QueueTarget[] => running().flatMap((sub) => sub.streams.map((stream) => ({ stream, group: sub.group })));
  const sampler = samplerFor(options, targets);

  function subscribe<T extends EventType>(sub: SubscribeOptions<T>): Subscription {
    const group = sub.group ?? options.service;
    const streams = streamsOf(sub, options.streamPrefix);
    const keys = streams.map((stream) => `${stream}\n${group}`);
    const taken = keys.find((key) => subscriptions.has(key));
    if (taken !== undefined) {
      const [stream] = taken.split("\n");
      throw new Error(`${stream} already has a subscription for group "${group}" on this bus: give one handler every type it needs`);
    }
    const subscription = startSubscription(options, sub, group, streams, () => keys.forEach((key) => subscriptions.delete(key)));
    for (const key of keys) subscriptions.set(key, subscription);
    return subscription;
  }

  return {
    service: options.service,
    transport: options.transport,
    publish: (eventType, payload) => publishOne(publisher, eventType, payload),
    publishMany: (events) => publishBatch(publisher, events),
    subscribe,
    async close() {
      sampler?.stop();
      await Promise.all(running().map((sub) => sub.stop()));
    },
  };
}

/** event_queue_depth sampling of this bus's subscriptions, when it has metrics to set. */
function samplerFor(options: EventBusOptions, targets: () => QueueTarget[]): QueueDepthSampler | undefined {
  if (!options.metrics) return undefined;
  const intervalMs = options.queueDepthIntervalMs ?? DEFAULT_QUEUE_DEPTH_INTERVAL_MS;
  return startQueueDepthSampler({ transport: options.transport, metrics: options.metrics, logger: options.logger, targets, intervalMs });
}

function startSubscription<T extends EventType>(
  options: EventBusOptions,
  sub: SubscribeOptions<T>,
  group: string,
  streams: string[],
  onStopped: () => void,
): Subscription {
  const handler = entryHandler(options.registry, group, sub);
  const observe = options.metrics ? metricsObserver(options.metrics) : undefined;
  const { handler: _handler, idempotency: _idempotency, eventTypes: _types, streams: _domains, group: _group, ...tuning } = sub;
  const consumers: RunningConsumer[] = streams.map((stream) =>
    startConsumer({
      ...tuning,
      // Dead letters stay under the bus's prefix, so a test's never land in the real DLQ.
      deadLetterStream: tuning.deadLetterStream ?? streamName("dlq", options.streamPrefix),
      transport: options.transport,
      stream,
      group,
      handler,
      observe,
      logger: options.logger,
    }),
  );
  let stopping: Promise<void> | undefined;
  return {
    streams,
    group,
    consumers,
    stop() {
      stopping ??= Promise.all(consumers.map((c) => c.stop())).then(onStopped);
      return stopping;
    },
  };
}

/** The stream names of a subscription: its domains, else the domains of its event types. */
function streamsOf<T extends EventType>(sub: SubscribeOptions<T>, prefix: string | undefined): string[] {
  const domains = new Set<StreamDomain>(sub.streams ?? (sub.eventTypes ?? []).map(domainFor));
  if (domains.size === 0) throw new Error("subscribe needs `streams` or `eventTypes`");
  return [...domains].map((domain) => streamName(domain, prefix));
}
