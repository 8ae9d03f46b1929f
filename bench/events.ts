/**
 * Event backbone benchmark: `npx tsx bench/events.ts` (about 75 s), issue 4 "Done when".
 *
 * In one run on the same Redis (REDIS_URL, default the local one) and PostgreSQL
 * (TEST_DATABASE_ADMIN_URL's server; a scratch database is created and dropped):
 *  (a) throughput of bus.publishMany against raw ioredis XADD pipelines of the same bytes, same
 *      MINID argument, same batch size and pipelines in flight (and, for information, single
 *      bus.publish against single XADD at the same concurrency);
 *  (b) publish->handler latency at a steady 2,000 events/s;
 *  (c) commit->stream latency through the outbox at a steady 1,000 changes/s.
 * Tracing is initialised as every service does (spans recorded, none exported), so the bus pays
 * what it pays in production. Prints one JSON line per scenario, then a summary line with PASS or
 * FAIL per target: (a) >= 50% of raw, (b) p99 <= 5 ms, (c) p99 <= 50 ms.
 * Streams live under a unique prefix and are deleted after each scenario.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  createEventBus,
  createRedisTransport,
  createSchemaRegistry,
  eventTablesMigration,
  SCHEMA_REGISTRY_OWNER,
  schemaRegistryMigrations,
  type ConsumerLogger,
} from "@materi/events";
import { createDatabase, initTracing, runMigrations, type Database } from "@materi/platform";
import { Redis } from "ioredis";
import { createTestDatabase } from "../test/helpers/postgres.js";
import { pipelinedThroughput, singleThroughput, type ThroughputShape } from "./lib/eventsThroughput.js";
import { publishToHandler } from "./lib/eventsLatency.js";
import { commitToStream } from "./lib/outboxLatency.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
const PIPELINED: ThroughputShape = { batch: 100, concurrency: 4, seconds: 3, rounds: 5 };
const SINGLE: ThroughputShape = { batch: 1, concurrency: 64, seconds: 2, rounds: 3 };
const TARGETS = { throughputRatio: 0.5, publishToHandlerP99Ms: 5, commitToStreamP99Ms: 50 };

// Failures are printed by the scenario that sees them; routine consumer lines would only be noise here.
const logger: ConsumerLogger = {
  info: () => undefined,
  warn: (obj: unknown, msg?: string) => console.error(JSON.stringify({ level: "warn", msg, obj: String(obj) })),
  error: (obj: unknown, msg?: string) => console.error(JSON.stringify({ level: "error", msg, obj: String(obj) })),
} as ConsumerLogger;

interface Scratch {
  db: Database;
  dispatcherDb: Database;
  close(): Promise<void>;
}

/** A scratch database with the registry (events) and an owner schema (api) with its event tables. */
async function scratchDatabase(): Promise<Scratch> {
  const testDb = await createTestDatabase("bench_events");
  const db = createDatabase({ url: testDb.url, poolSize: 8 });
  const dispatcherDb = createDatabase({ url: testDb.url, poolSize: 3 });
  await runMigrations(db, { owner: SCHEMA_REGISTRY_OWNER, migrations: schemaRegistryMigrations });
  const documents = { version: 2, name: "bench documents", up: "create table api.documents (id text primary key, seq bigint not null)" };
  await runMigrations(db, { owner: "api", migrations: [eventTablesMigration("api", 1), documents] });
  return {
    db,
    dispatcherDb,
    async close() {
      await Promise.all([db.close(), dispatcherDb.close()]);
      await testDb.drop();
    },
  };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-b", "packages/events"], { cwd: ROOT, stdio: "inherit" });
  const tracing = initTracing({ service: "bench-events" });
  const prefix = `bench:${process.pid}:${Date.now().toString(36)}`;
  const raw = new Redis(REDIS_URL);
  const transport = createRedisTransport({ url: REDIS_URL, connectionName: "bench-events" });
  const scratch = await scratchDatabase();
  try {
    const pipelined = await pipelinedThroughput(raw, transport, prefix, PIPELINED);
    print({ ...pipelined, shape: PIPELINED });
    const singleBus = createEventBus({ service: "shield", transport, logger, streamPrefix: prefix });
    const single = await singleThroughput(raw, singleBus, prefix, SINGLE);
    print({ ...single, shape: SINGLE });

    const registry = createSchemaRegistry(scratch.db);
    await registry.registerCatalog();
    const latency = await publishToHandler({ transport, registry, prefix, logger, rate: 2_000, seconds: 10, warmupSeconds: 2 });
    print(latency);

    const outbox = await commitToStream({ ...scratch, transport, redisUrl: REDIS_URL, prefix, logger, rate: 1_000, seconds: 10, warmupSeconds: 2, documents: 200 });
    print(outbox);

    const targets = [
      check("bus.publishMany / raw XADD pipelined", pipelined.ratio, ">=", TARGETS.throughputRatio),
      check("publish->handler p99 ms at 2000/s", latency.latencyMs.p99, "<=", TARGETS.publishToHandlerP99Ms),
      check("outbox commit->stream p99 ms at 1000/s", outbox.latencyMs.p99, "<=", TARGETS.commitToStreamP99Ms),
    ];
    print({ summary: true, pass: targets.every((t) => t.result === "PASS"), targets, info: { singlePublishRatio: single.ratio } });
  } finally {
    await scratch.close();
    await transport.close();
    raw.disconnect();
    await tracing.shutdown();
  }
}

function check(name: string, value: number, op: ">=" | "<=", target: number) {
  const ok = op === ">=" ? value >= target : value <= target;
  return { name, value, target: `${op} ${target}`, result: ok ? "PASS" : "FAIL" };
}

function print(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
