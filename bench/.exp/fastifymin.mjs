import { createLogger, createServiceApp, listen } from "@materi/platform";
import Fastify from "fastify";
import { Pool } from "undici";
const pool = new Pool(process.env.API_URL, { connections: 64 });
const app = process.env.V_PLATFORM === "1"
  ? createServiceApp({ service: "gateway", logger: createLogger({ service: "gateway", level: "warn" }), serviceKeys: [], readiness: [] })
  : Fastify({ logger: false });
app.get("/api/v1/documents/*", async (request, reply) => {
  const r = await pool.request({ path: request.url, method: request.method, headers: { authorization: request.headers.authorization } });
  const body = Buffer.from(await r.body.arrayBuffer());
  reply.code(r.statusCode).header("content-type", r.headers["content-type"]);
  return body;
});
const url = await listen(app, "127.0.0.1", 0);
process.stdout.write(`gateway listening on ${url}\n`);
