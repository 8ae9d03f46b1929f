import { create } from "@bufbuild/protobuf";
import { UserEventSchema } from "@materi/contracts";
import { createEventBus, createRedisTransport } from "@materi/events";
import { initTracing } from "@materi/platform";
const tracing = initTracing({ service: "bench" });
const transport = createRedisTransport({ url: "redis://127.0.0.1:6379" });
const prefix = "test:single:" + Date.now();
const bus = createEventBus({ service: "shield", transport, logger: console as never, streamPrefix: prefix });
const payload = create(UserEventSchema, { userId: `bench-user-1`, email: `bench1@example.com`, action: "created" });
for (const round of [0, 1, 2]) {
  const t = performance.now(); const end = t + 3000; let n = 0;
  await Promise.all(Array.from({ length: 64 }, async () => { while (performance.now() < end) { await bus.publish("user.created", payload); n += 1; } }));
  console.log("publish/s", Math.round(n / (performance.now() - t) * 1000));
  await transport.deleteStream(`${prefix}:events:users`);
}
await transport.close(); await tracing.shutdown();
