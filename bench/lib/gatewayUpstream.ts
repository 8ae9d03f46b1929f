/**
 * Child process standing in for the api during the gateway benchmark: one constant JSON route,
 * no logging, on a free port. Prints `{"url": ...}` when listening.
 */
import Fastify from "fastify";

const DOCUMENT = { id: "bench", title: "Benchmark document", workspace_id: "w1", updated_at: "2026-01-01T00:00:00.000Z" };

const app = Fastify({ logger: false });
app.get("/api/v1/documents/bench", async () => DOCUMENT);
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
