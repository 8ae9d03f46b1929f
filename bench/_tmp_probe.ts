import { create } from "@bufbuild/protobuf";
import { UserEventSchema } from "@materi/contracts";
import { createEventBus, createRedisTransport, type PublishItem } from "@materi/events";
import { initTracing } from "@materi/platform";
const tracing = initTracing({ service: "bench" });
const transport = createRedisTransport({ url: "redis://127.0.0.1:6379" });
const prefix = "test:probe:" + Math.random().toString(36).slice(2);
const bus = createEventBus({ service: "shield", transport, logger: console as never, streamPrefix: prefix });
const items: PublishItem[] = Array.from({ length: 100 }, (_, i) => ({ eventType: "user.created", payload: create(UserEventSchema, { userId: `bench-user-${i}`, email: `bench${i}@example.com`, action: "created" }) }));
for (const round of [0, 1, 2, 3]) {
  const t = performance.now(); const end = t + 3000; let n = 0;
  await Promise.all(Array.from({ length: 4 }, async () => { while (performance.now() < end) { await bus.publishMany(items); n += 100; } }));
  console.log("publishMany/s", Math.round(n / (performance.now() - t) * 1000));
  await transport.deleteStream(`${prefix}:events:users`);
}
await transport.close(); await tracing.shutdown();
