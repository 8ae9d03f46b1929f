import { createLogger, listen, createMetrics, httpMetrics, metricsRoute, httpTracing, initTracing } from "@materi/platform";
import { Redis } from "ioredis";
import { buildApp } from "../../services/gateway/dist/app.js";
import { loadGatewayConfig } from "../../services/gateway/dist/config.js";
const config = loadGatewayConfig(process.env);
let redis;
if (process.env.V_REDIS === "1") { redis = new Redis(config.REDIS_URL, { enableAutoPipelining: process.env.V_AUTOPIPE !== "0", maxRetriesPerRequest: 1 }); await new Promise(r => redis.once("ready", r)); }
const metrics = createMetrics({ service: "gateway" });
let instrument;
if (process.env.V_TRACE === "1" || process.env.V_METRICS === "1") {
  if (process.env.V_TRACE === "1") initTracing({ service: "gateway" });
  instrument = (app) => {
    if (process.env.V_TRACE === "1") void app.register(httpTracing, { service: "gateway" });
    if (process.env.V_METRICS === "1") { void app.register(httpMetrics, { metrics }); void app.register(metricsRoute, { metrics }); }
  };
}
const app = buildApp(config, { logger: createLogger({ service: "gateway", level: "warn" }), redis, instrument });
const url = await listen(app, "127.0.0.1", 0);
process.stdout.write(`gateway listening on ${url}\n`);
process.once("SIGTERM", () => app.close().then(() => process.exit(0)));
