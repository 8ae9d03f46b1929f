import { create } from "@bufbuild/protobuf";
import { UserEventSchema } from "@materi/contracts";
import { createEventBus, streamName, type ConsumerLogger, type EventTransport, type SchemaRegistry } from "@materi/events";
import { runPaced, summarize, type LatencySummary } from "./eventsStats.js";

export interface PublishToHandlerOptions {
  transport: EventTransport;
  registry: SchemaRegistry;
  prefix: string;
  logger: ConsumerLogger;
  /** Events per second, steady. */
  rate: number;
  /** Measured seconds, after `warmupSeconds` not measured. */
  seconds: number;
  warmupSeconds: number;
}

export interface PublishToHandlerResult {
  scenario: "publish->handler";
  rate: number;
  sent: number;
  failed: number;
  latencyMs: LatencySummary;
}

/**
 * Time from calling bus.publish to the subscriber's handler starting, at a steady rate: one
 * publisher bus and one subscriber bus (registry decoders, group "api") in this process, so both
 * timestamps read the same clock. The payload's user_id keys the send time.
 */
export async function publishToHandler(o: PublishToHandlerOptions): Promise<PublishToHandlerResult> {
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  let measuring = false;
  const consumer = createEventBus({ service: "api", transport: o.transport, registry: o.registry, logger: o.logger, streamPrefix: o.prefix });
  consumer.subscribe({
    eventTypes: ["user.created"],
    startId: "$",
    handler: async (event) => {
      const at = sentAt.get(event.payload.userId);
      if (at === undefined) return;
      sentAt.delete(event.payload.userId);
      if (measuring) samples.push(performance.now() - at);
    },
  });
  const stream = streamName("users", o.prefix);
  await until(() => o.transport.groupInfo(stream, "api").then(() => true, () => false));
  const publisher = createEventBus({ service: "shield", transport: o.transport, registry: o.registry, logger: o.logger, streamPrefix: o.prefix });
  const send = (label: string) => (i: number) => {
    const userId = `${label}-${i}`;
    sentAt.set(userId, performance.now());
    return publisher.publish("user.created", create(UserEventSchema, { userId, email: `${userId}@example.com`, action: "created" }));
  };
  await runPaced(o.rate, o.warmupSeconds * 1000, send("warm"));
  await until(async () => sentAt.size === 0);
  measuring = true;
  const { sent, failed } = await runPaced(o.rate, o.seconds * 1000, send("measured"));
  await until(async () => sentAt.size === 0, 5_000);
  measuring = false;
  await consumer.close();
  await o.transport.deleteStream(stream);
  return { scenario: "publish->handler", rate: o.rate, sent, failed, latencyMs: summarize(samples) };
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !(await check())) await new Promise((r) => setTimeout(r, 10));
}
