// A service's consumer in its own process, for consumerKill.test.ts: it subscribes the "api"
// group to user.created with idempotency on a real PostgreSQL database, and its effect is a row in
// api.effects written in the handler's transaction; the handler then dawdles DELAY_MS inside that
// transaction so a SIGKILL lands mid-batch. Run: node --import tsx idempotentConsumerChild.ts
import { createEventBus, createRedisTransport } from "@materi/events";
import { createDatabase } from "@materi/platform";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`idempotentConsumerChild: ${name} is required`);
  return value;
};

const db = createDatabase({ url: env("DATABASE_URL"), poolSize: 2 });
const transport = createRedisTransport({ url: env("REDIS_URL"), connectionName: "events-e2e-child" });
const logger = { info: () => undefined, warn: () => undefined, error: (obj: unknown, msg?: string) => console.error(msg, obj) };
const bus = createEventBus({ service: "api", transport, logger, streamPrefix: env("PREFIX") });
const delayMs = Number(process.env["DELAY_MS"] ?? "25");

bus.subscribe({
  eventTypes: ["user.created"],
  consumer: env("CONSUMER"),
  batchSize: 10,
  blockMs: 200,
  claimIdleMs: Number(process.env["CLAIM_IDLE_MS"] ?? "1000"),
  claimIntervalMs: 100,
  startId: "0",
  idempotency: { db, schema: "api" },
  handler: async (event, { tx }) => {
    await tx.query("insert into api.effects (event_id, user_id) values ($1, $2)", [event.eventId, event.payload.userId]);
    await new Promise((r) => setTimeout(r, delayMs));
  },
});
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void bus.close().then(async () => {
    await transport.close();
    await db.close();
  });
});
