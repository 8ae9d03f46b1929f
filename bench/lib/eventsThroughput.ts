import { create } from "@bufbuild/protobuf";
import { UserEventSchema } from "@materi/contracts";
import { createEventBus, idAtTime, retentionFor, streamName, writeEnvelope, type EventBus, type PublishItem, type RedisTransport } from "@materi/events";
import type { Redis } from "ioredis";
import { median, round } from "./eventsStats.js";

/** How throughput is driven: the same for raw XADD and for the bus. */
export interface ThroughputShape {
  /** Events per pipeline (publishMany call / raw pipeline). */
  batch: number;
  /** Pipelines (or single publishes) in flight at once. */
  concurrency: number;
  /** Seconds per measured round. */
  seconds: number;
  /** Rounds per mode, alternated raw/bus so drift hits both alike. */
  rounds: number;
}

export interface ThroughputResult {
  scenario: string;
  rawPerSec: number;
  busPerSec: number;
  ratio: number;
  rounds: { raw: number[]; bus: number[] };
}

const payloads = Array.from({ length: 100 }, (_, i) => create(UserEventSchema, { userId: `bench-user-${i}`, email: `bench${i}@example.com`, action: "created" }));

/**
 * bus.publishMany vs raw ioredis XADD pipelines carrying the same bytes (envelopes the bus
 * writer made, same size) with the same `MINID ~ <now - retention>` trim argument, the same batch
 * size and the same number of pipelines in flight. Each round deletes its stream after.
 */
export async function pipelinedThroughput(raw: Redis, transport: RedisTransport, prefix: string, shape: ThroughputShape): Promise<ThroughputResult> {
  const bus = createEventBus({ service: "shield", transport, logger: console, streamPrefix: prefix });
  const stream = streamName("users", prefix);
  const retentionMs = retentionFor(stream)!;
  const items: PublishItem[] = payloads.slice(0, shape.batch).map((payload) => ({ eventType: "user.created", payload }));
  const envelopes = items.map((item) => writeEnvelope({ ...item, sourceService: "shield", correlationId: "bench", schemaVersion: 1 }).bytes);
  const rawBatch = async (): Promise<void> => {
    const pipeline = raw.pipeline();
    for (const bytes of envelopes) pipeline.call("XADD", stream, "MINID", "~", idAtTime(Date.now() - retentionMs), "*", "envelope", bytes, "event_type", "user.created");
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
  };
  const busBatch = async (): Promise<void> => void (await bus.publishMany(items));
  return alternate("pipelined", raw, stream, shape, rawBatch, busBatch, shape.batch);
}

/** bus.publish vs one raw XADD per call, `concurrency` calls in flight (ioredis writes them back to back). */
export async function singleThroughput(raw: Redis, bus: EventBus, prefix: string, shape: ThroughputShape): Promise<ThroughputResult> {
  const stream = streamName("users", prefix);
  const retentionMs = retentionFor(stream)!;
  const bytes = writeEnvelope({ eventType: "user.created", payload: payloads[0]!, sourceService: "shield", correlationId: "bench", schemaVersion: 1 }).bytes;
  const rawOne = async (): Promise<void> => void (await raw.call("XADD", stream, "MINID", "~", idAtTime(Date.now() - retentionMs), "*", "envelope", bytes, "event_type", "user.created"));
  const busOne = async (): Promise<void> => void (await bus.publish("user.created", payloads[0]!));
  return alternate("single", raw, stream, { ...shape, batch: 1 }, rawOne, busOne, 1);
}

async function alternate(
  scenario: string,
  raw: Redis,
  stream: string,
  shape: ThroughputShape,
  rawUnit: () => Promise<void>,
  busUnit: () => Promise<void>,
  eventsPerUnit: number,
): Promise<ThroughputResult> {
  const rounds = { raw: [] as number[], bus: [] as number[] };
  // Warm-up of both paths (JIT, connections, the retention floor cache), not measured.
  await rate(rawUnit, eventsPerUnit, shape.concurrency, 1);
  await rate(busUnit, eventsPerUnit, shape.concurrency, 1);
  await raw.del(stream);
  for (let i = 0; i < shape.rounds; i += 1) {
    rounds.raw.push(await rate(rawUnit, eventsPerUnit, shape.concurrency, shape.seconds));
    await raw.del(stream);
    rounds.bus.push(await rate(busUnit, eventsPerUnit, shape.concurrency, shape.seconds));
    await raw.del(stream);
  }
  const rawPerSec = median(rounds.raw);
  const busPerSec = median(rounds.bus);
  return { scenario, rawPerSec, busPerSec, ratio: round(busPerSec / rawPerSec, 3), rounds };
}

/** Events per second of `unit` run by `concurrency` loops for `seconds`. */
async function rate(unit: () => Promise<void>, eventsPerUnit: number, concurrency: number, seconds: number): Promise<number> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let units = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await unit();
      units += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return Math.round((units * eventsPerUnit) / ((performance.now() - started) / 1000));
}
