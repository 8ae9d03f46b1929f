import { createLogger, createServiceApp, listen, createMetrics, httpMetrics } from "@materi/platform";
import { Redis } from "ioredis";
import { Pool } from "undici";
import { loadGatewayConfig } from "../../services/gateway/dist/config.js";
import { installEdgeBasics } from "../../services/gateway/dist/edge/edgeBasics.js";
import { edgeGuard } from "../../services/gateway/dist/edge/edgeGuard.js";
import { createKeySource } from "../../services/gateway/dist/auth/keySource.js";
import { createTokenVerifier } from "../../services/gateway/dist/auth/tokenVerifier.js";
import { createClientIpResolver } from "../../services/gateway/dist/network/clientIp.js";
import { addressSet } from "../../services/gateway/dist/network/cidr.js";
import { createRateLimiter } from "../../services/gateway/dist/rateLimit/createRateLimiter.js";
import { proxyRoutes } from "../../services/gateway/dist/proxy/proxyRoutes.js";
import { upstreamRoutes } from "../../services/gateway/dist/proxy/upstreams.js";
const on = (k) => (process.env.ON ?? "").split(",").includes(k);
const config = loadGatewayConfig(process.env);
const logger = createLogger({ service: "gateway", level: "warn" });
const metrics = createMetrics({ service: "gateway" });
const app = createServiceApp({ service: "gateway", logger, serviceKeys: [], readiness: [], instrument: (i) => { if (on("basics")) installEdgeBasics(i); if (on("metrics")) void i.register(httpMetrics, { metrics }); } });
if (on("guard")) {
  let redis; if (on("redis")) { redis = new Redis(config.REDIS_URL, { enableAutoPipelining: true }); await new Promise(r => redis.once("ready", r)); }
  const rateLimit = createRateLimiter({ points: 1e9, durationS: 60, keyPrefix: "x" + Date.now(), redis, logger });
  const verifyToken = createTokenVerifier({ keys: createKeySource({ url: config.JWKS_URL, cooldownMs: 30000, maxAgeMs: 600000, logger }), issuer: "materi", audience: "materi", cacheSize: 1000 });
  void app.register(edgeGuard, { resolveClientIp: createClientIpResolver(config.TRUST_PROXY), verifyToken, rateLimit, metricsAllow: addressSet([]) });
} else { app.decorateRequest("clientIp", "127.0.0.1"); }
if (on("replyfrom")) {
  void app.register(proxyRoutes, { routes: upstreamRoutes(config), bodyLimitBytes: 1e6, timeoutMs: 30000, connections: 64 });
} else {
  const pool = new Pool(config.API_URL, { connections: 64 });
  app.get("/api/v1/documents/*", async (request, reply) => {
    const r = await pool.request({ path: request.url, method: "GET", headers: { authorization: request.headers.authorization } });
    const body = Buffer.from(await r.body.arrayBuffer());
    reply.code(r.statusCode).header("content-type", r.headers["content-type"]);
    return body;
  });
}
const url = await listen(app, "127.0.0.1", 0);
process.stdout.write(`gateway listening on ${url}\n`);
