// A consumer in its own process, for the SIGKILL test (startConsumer.kill.test.ts). Each handled
// entry's effect is HINCRBY <EFFECTS_KEY> <n> 1 on Redis, then the handler dawdles DELAY_MS so a
// kill lands mid-batch, between effects and the batch's XACK. Run: node --import tsx consumerChild.ts
import { Redis } from "ioredis";
import { startConsumer } from "../startConsumer.js";
import { createRedisTransport } from "../../transports/redis.js";
import { fieldText } from "../../transports/EventTransport.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`consumerChild: ${name} is required`);
  return value;
};
const url = env("REDIS_URL");
const effectsKey = env("EFFECTS_KEY");
const delayMs = Number(process.env["DELAY_MS"] ?? "20");

const transport = createRedisTransport({ url, connectionName: "events-consumer-child" });
const effects = new Redis(url);
const consumer = startConsumer({
  transport,
  stream: env("STREAM"),
  group: env("GROUP"),
  consumer: env("CONSUMER"),
  deadLetterStream: env("DLQ"),
  batchSize: 10,
  blockMs: 200,
  claimIdleMs: Number(process.env["CLAIM_IDLE_MS"] ?? "1000"),
  claimIntervalMs: 100,
  startId: "0",
  logger: { info: () => undefined, warn: () => undefined, error: (obj: unknown, msg?: string) => console.error(msg, obj) },
  handler: async (entry) => {
    await effects.hincrby(effectsKey, fieldText(entry, "n") ?? entry.id, 1);
    await new Promise((r) => setTimeout(r, delayMs));
  },
});
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void consumer.stop().then(async () => {
    await transport.close();
    effects.disconnect();
  });
});
