import { createRedisTransport } from "@materi/events";
import { initTracing } from "@materi/platform";
import { Redis } from "ioredis";
import { pipelinedThroughput } from "./lib/eventsThroughput.js";
const tracing = initTracing({ service: "bench" });
const raw = new Redis("redis://127.0.0.1:6379"); const transport = createRedisTransport({ url: "redis://127.0.0.1:6379" });
const r = await pipelinedThroughput(raw, transport, "test:ratio:" + Date.now(), { batch: 100, concurrency: 4, seconds: 3, rounds: 5 });
console.log(JSON.stringify(r));
raw.disconnect(); await transport.close(); await tracing.shutdown();
