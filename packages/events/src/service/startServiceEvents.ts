import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { create } from "@bufbuild/protobuf";
import { SystemEventSchema, type SystemEvent } from "@materi/contracts";
import type { Database, Logger, Metrics } from "@materi/platform";
import { createEventBus } from "../bus/createEventBus.js";
import type { BusEvent, EventBus, Subscription } from "../bus/EventBus.js";
import { startOutboxDispatcher, type OutboxDispatcher } from "../outbox/startOutboxDispatcher.js";
import { createSchemaRegistry, type SchemaRegistry } from "../registry/index.js";
import type { EventTransport } from "../transports/EventTransport.js";

export interface ServiceEventsOptions {
  /** The service's name: source_service of its events and its consumer group. */
  service: string;
  transport: EventTransport;
  logger: Logger;
  metrics?: Metrics;
  /** With a database: the schema registry (versions on publish, any version on consume). */
  db?: Database;
  /** The schema whose outbox this service drains to the streams, e.g. "shield". Default none. */
  outboxSchema?: string;
  /** Called for `system.config_changed` (e.g. to drop caches). */
  onConfigChanged?: (event: SystemEvent) => void | Promise<void>;
}

export interface ServiceEvents {
  bus: EventBus;
  registry: SchemaRegistry | undefined;
  /** Identifies this process in system events, e.g. "host-1234-a1b2c3". */
  instanceId: string;
  /** Publishes system.stopping, then stops consuming and dispatching. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A service's place on the event backbone: its bus (registry-versioned when it has a
 * database), its outbox dispatcher, its subscription to the system stream, and the
 * system.started / system.stopping announcements every service makes (issue 4, item 8).
 */
export async function startServiceEvents(options: ServiceEventsOptions): Promise<ServiceEvents> {
  const registry = options.db ? createSchemaRegistry(options.db) : undefined;
  await registry?.registerCatalog();
  const bus = createEventBus({ service: options.service, transport: options.transport, registry, metrics: options.metrics, logger: options.logger });
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const system: Subscription = bus.subscribe({
    streams: ["system"],
    handler: (event) => onSystemEvent(event as BusEvent<"system.config_changed">, options),
  });
  const dispatcher: OutboxDispatcher | undefined =
    options.db && options.outboxSchema
      ? startOutboxDispatcher({ db: options.db, schema: options.outboxSchema, transport: options.transport, logger: options.logger })
      : undefined;
  await announce(bus, options, instanceId, "started");
  let stopped: Promise<void> | undefined;
  return {
    bus,
    registry,
    instanceId,
    stop: () =>
      (stopped ??= (async () => {
        await announce(bus, options, instanceId, "stopping");
        await system.stop();
        await dispatcher?.stop();
        await bus.close();
      })()),
  };
}

async function onSystemEvent(event: BusEvent<"system.config_changed">, options: ServiceEventsOptions): Promise<void> {
  const payload = event.payload;
  if (payload.action === "config_changed" && options.onConfigChanged) await options.onConfigChanged(payload);
  options.logger.info({ event_type: event.eventType, from: payload.service, instance: payload.instanceId }, "system event");
}

/**
 * Announcing is best effort: a service must start (and stop) while Redis is away, and its
 * absence already shows in /readyz.
 */
async function announce(bus: EventBus, options: ServiceEventsOptions, instanceId: string, action: "started" | "stopping"): Promise<void> {
  const payload = create(SystemEventSchema, {
    service: options.service,
    instanceId,
    action,
    details: { pid: process.pid, transport: options.transport.kind },
  });
  try {
    await bus.publish(action === "started" ? "system.started" : "system.stopping", payload);
  } catch (err) {
    options.logger.warn({ err, action }, "could not announce on the system stream");
  }
}
