import { createMetrics, currentCorrelationId, initTracing, runWithContext, withSpan, type Metrics, type TracingHandle } from "@materi/platform";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamName } from "../streams.js";
import { createRedisTransport, type RedisTransport } from "../transports/redis.js";
import { recordingLogger, requireTestRedis, uniquePrefix, waitFor } from "../transports/test-support/testTransports.js";
import { createEventBus } from "./createEventBus.js";
import type { EventBus } from "./EventBus.js";
import { openEventTables, userCreated, type EventTablesDatabase } from "./test-support/busFixtures.js";

const fast = { blockMs: 100, claimIdleMs: 150, claimIntervalMs: 50, startId: "0" } as const;

describe("bus.subscribe on Redis", () => {
  let transport: RedisTransport;
  let tracing: TracingHandle;
  let metrics: Metrics;
  const exporter = new InMemorySpanExporter();
  const prefix = uniquePrefix("bus-subscribe");
  const buses: EventBus[] = [];

  const newBus = (service: "shield" | "api" | "relay"): EventBus => {
    const bus = createEventBus({ service, transport, metrics, logger: recordingLogger(), streamPrefix: prefix, queueDepthIntervalMs: 50 });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    tracing = initTracing({ service: "events-test", exporter });
    metrics = createMetrics({ service: "api" });
    transport = createRedisTransport({ url: await requireTestRedis(), connectionName: "bus-subscribe-test" });
  });

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    for (const domain of ["users", "dlq"] as const) await transport.deleteStream(streamName(domain, prefix));
    await transport.close();
    await tracing.shutdown();
  });

  it("runs the handler in a child span of the publisher's trace, with its correlation id, and meters it", async () => {
    const seen: Array<{ correlationId: string; eventId: string }> = [];
    const sub = newBus("api").subscribe({
      ...fast,
      group: "api",
      eventTypes: ["user.created"],
      handler: async (event) => void seen.push({ correlationId: currentCorrelationId(), eventId: event.eventId }),
    });
    const publisher = newBus("shield");
    const published = await runWithContext({ correlationId: "req-trace" }, () =>
      withSpan("HTTP Request", {}, () => publisher.publish("user.created", userCreated(1))),
    );
    await waitFor(() => seen.length === 1, "the handler ran");
    expect(seen[0]).toEqual({ correlationId: "req-trace", eventId: published.eventId });

    await waitFor(() => exporter.getFinishedSpans().some((s) => s.name === "Event Consume"), "the consume span ended");
    const spans = exporter.getFinishedSpans();
    const publish = spans.find((s) => s.name === "Event Publish")!;
    const consume = spans.find((s) => s.name === "Event Consume")!;
    expect(publish.attributes).toMatchObject({ stream: sub.streams[0], type: "user.created" });
    expect(publish.attributes["size"]).toBeGreaterThan(50);
    expect(consume.attributes).toMatchObject({ stream: sub.streams[0], consumer_group: "api" });
    expect(consume.spanContext().traceId).toBe(publish.spanContext().traceId);
    expect(consume.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);

    const body = await metrics.registry.metrics();
    expect(body).toMatch(new RegExp(`event_processing_duration_seconds_count\\{stream="${sub.streams[0]}",consumer_group="api",event_type="user.created"\\} 1`));
    await sub.stop();
  });

  it("acknowledges other types unseen, and samples event_queue_depth while entries wait", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const bus = newBus("relay");
    const sub = bus.subscribe({
      ...fast,
      startId: "$",
      eventTypes: ["user.deleted"],
      handler: async (event) => {
        await gate;
        handled.push(event.payload.userId);
      },
    });
    await waitFor(async () => (await transport.groupInfo(sub.streams[0]!, "relay").then(() => true, () => false)), "the group exists");
    const publisher = newBus("shield");
    await publisher.publish("user.created", userCreated(2));
    const deleted = { ...userCreated(3), action: "deleted" };
    await publisher.publishMany([1, 2, 3].map(() => ({ eventType: "user.deleted" as const, payload: deleted })));
    const depth = async () => (await metrics.eventQueueDepth.get()).values.find((v) => v.labels.consumer_group === "relay")?.value;
    await waitFor(async () => ((await depth()) ?? 0) >= 3, "queue depth counts the waiting entries");
    release();
    await waitFor(() => handled.length === 3, "the three user.deleted handled");
    await waitFor(async () => (await depth()) === 0, "queue depth back to 0");
    expect(handled).toEqual(["user-3", "user-3", "user-3"]);
    expect(await transport.groupInfo(sub.streams[0]!, "relay")).toMatchObject({ pending: 0, lag: 0 });
    await sub.stop();
  });

  it("counts a handler's retries and dead letters in integration_errors_total", async () => {
    let attempts = 0;
    const sub = newBus("api").subscribe({
      ...fast,
      startId: "$",
      group: "shield",
      eventTypes: ["user.updated"],
      maxDeliveries: 2,
      handler: async () => {
        attempts += 1;
        throw new Error("always fails");
      },
    });
    await waitFor(async () => (await transport.groupInfo(sub.streams[0]!, "shield").then(() => true, () => false)), "the group exists");
    await newBus("shield").publish("user.updated", { ...userCreated(4), action: "updated" });
    await waitFor(async () => (await transport.length(streamName("dlq", prefix))) === 1, "the event dead-lettered");
    const body = await metrics.registry.metrics();
    const series = (status: string) => `integration_errors_total{service="api",method="EVENT",route="${sub.streams[0]}",status="${status}"} 1`;
    expect(attempts).toBe(2);
    expect(body).toContain(series("retry"));
    expect(body).toContain(series("dead_letter"));
    await sub.stop();
  });

  it("refuses a second subscription of one group to one stream", () => {
    const bus = newBus("api");
    bus.subscribe({ ...fast, group: "shield", streams: ["users"], handler: async () => undefined });
    expect(() => bus.subscribe({ ...fast, group: "shield", eventTypes: ["user.updated"], handler: async () => undefined })).toThrow(
      /already has a subscription for group "shield"/,
    );
  });
});

describe("bus.subscribe with idempotency on PostgreSQL", () => {
  let tables: EventTablesDatabase;
  let transport: RedisTransport;
  let bus: EventBus;
  const prefix = uniquePrefix("bus-idempotent");

  beforeAll(async () => {
    tables = await openEventTables("bus_idempotent", "api", "create table api.effects (event_id uuid not null, n text not null)");
    transport = createRedisTransport({ url: await requireTestRedis(), connectionName: "bus-idempotent-test" });
    bus = createEventBus({ service: "api", transport, logger: recordingLogger(), streamPrefix: prefix });
  });

  afterAll(async () => {
    await bus.close();
    for (const domain of ["users", "dlq"] as const) await transport.deleteStream(streamName(domain, prefix));
    await transport.close();
    await tables.close();
  });

  it("gives a redelivered event no second effect, and a failed attempt leaves nothing behind", async () => {
    let failFirst = true;
    bus.subscribe({
      ...fast,
      eventTypes: ["user.created"],
      idempotency: { db: tables.db, schema: "api" },
      handler: async (event, { tx }) => {
        await tx.query("insert into api.effects (event_id, n) values ($1, $2)", [event.eventId, event.payload.userId]);
        if (event.payload.userId === "user-2" && failFirst) {
          failFirst = false;
          throw new Error("transient failure after the write");
        }
      },
    });
    const publisher = createEventBus({ service: "shield", transport, logger: recordingLogger(), streamPrefix: prefix });
    const first = await publisher.publish("user.created", userCreated(1));
    await publisher.publish("user.created", userCreated(2));
    // The same envelope appended again: what a DLQ replay or a dispatcher re-send produces.
    const [entry] = await transport.range(streamName("users", prefix), { start: first.entryId, end: first.entryId });
    await transport.append(streamName("users", prefix), entry!.fields);

    const counts = async () =>
      (await tables.db.query<{ n: string; c: number }>("select n, count(*)::int as c from api.effects group by n order by n")).rows;
    await waitFor(async () => (await counts()).length === 2 && (await transport.groupInfo(streamName("users", prefix), "api")).pending === 0, "both handled");
    expect(await counts()).toEqual([
      { n: "user-1", c: 1 },
      { n: "user-2", c: 1 },
    ]);
    const processed = await tables.db.query("select 1 from api.processed_events where consumer_group = 'api'");
    expect(processed.rowCount).toBe(2);
  });
});
