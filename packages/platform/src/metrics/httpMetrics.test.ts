import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createMetrics, type Metrics } from "./createMetrics.js";
import { httpMetrics, metricsRoute } from "./httpMetrics.js";

const servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((app) => app.close()));
});

async function startApp(metrics: Metrics): Promise<string> {
  const app = Fastify({ logger: false });
  servers.push(app);
  await app.register(httpMetrics, { metrics });
  await app.register(metricsRoute, { metrics });
  // Registered in a child plugin on purpose: the hook must still see it (skip-override).
  await app.register(async (child) => {
    child.get("/api/v1/documents/:id", async (request) => ({ id: (request.params as { id: string }).id }));
    child.get("/boom", async () => {
      throw new Error("boom");
    });
  });
  return app.listen({ port: 0, host: "127.0.0.1" });
}

async function scrape(base: string): Promise<{ contentType: string | null; body: string }> {
  const res = await fetch(`${base}/metrics`);
  return { contentType: res.headers.get("content-type"), body: await res.text() };
}

function sampleValue(body: string, prefix: string): number {
  const line = body.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("httpMetrics", () => {
  it("records a matched route by pattern with SLA bucket edges", async () => {
    const base = await startApp(createMetrics({ service: "api" }));
    for (const id of ["a", "b"]) expect((await fetch(`${base}/api/v1/documents/${id}`)).status).toBe(200);

    const { contentType, body } = await scrape(base);
    expect(contentType).toContain("text/plain");
    const labels = 'service="api",method="GET",route="/api/v1/documents/:id",status="200"';
    expect(sampleValue(body, `integration_request_total{${labels}}`)).toBe(2);
    expect(sampleValue(body, `integration_request_duration_seconds_count{${labels}}`)).toBe(2);
    for (const le of ["0.05", "0.1", "5"]) {
      expect(body).toContain(`integration_request_duration_seconds_bucket{le="${le}",${labels}}`);
    }
    expect(body).toContain("process_cpu_user_seconds_total");
    expect(body).not.toContain("/api/v1/documents/a");
  });

  it("labels 404s as unmatched and counts 5xx as errors", async () => {
    const base = await startApp(createMetrics({ service: "api" }));
    await fetch(`${base}/nope/1?x=y`);
    await fetch(`${base}/nope/2`);
    expect((await fetch(`${base}/boom`)).status).toBe(500);

    const { body } = await scrape(base);
    expect(sampleValue(body, 'integration_request_total{service="api",method="GET",route="unmatched",status="404"}')).toBe(2);
    expect(body).not.toContain("/nope/");
    expect(sampleValue(body, 'integration_errors_total{service="api",method="GET",route="/boom",status="500"}')).toBe(1);
    expect(body).not.toMatch(/integration_errors_total\{[^}]*status="404"/);
  });
});
