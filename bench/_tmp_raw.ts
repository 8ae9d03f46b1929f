import { create } from "@bufbuild/protobuf";
import { UserEventSchema } from "@materi/contracts";
import { idAtTime, writeEnvelope } from "@materi/events";
import { Redis } from "ioredis";
const raw = new Redis("redis://127.0.0.1:6379");
const stream = "test:rawprof:" + Date.now();
const env = Array.from({ length: 100 }, (_, i) => writeEnvelope({ eventType: "user.created", payload: create(UserEventSchema, { userId: `bench-user-${i}`, email: `bench${i}@example.com`, action: "created" }), sourceService: "shield", correlationId: "c", schemaVersion: 1 }).bytes);
for (const round of [0, 1, 2, 3]) {
  const t = performance.now(); const end = t + 3000; let n = 0;
  await Promise.all(Array.from({ length: 4 }, async () => { while (performance.now() < end) { const p = raw.pipeline(); for (const b of env) p.call("XADD", stream, "MINID", "~", idAtTime(Date.now() - 7 * 86400000), "*", "envelope", b, "event_type", "user.created"); await p.exec(); n += 100; } }));
  console.log("raw/s", Math.round(n / (performance.now() - t) * 1000)); await raw.del(stream);
}
raw.disconnect();
