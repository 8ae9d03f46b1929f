import { afterEach, describe, expect, it } from "vitest";
import { requireRedis, uniquePrefix } from "../../../test/helpers/redis.js";
import { loadGatewayConfig, startGateway } from "./index.js";
import { DEAD_URL } from "./test-support/startTestGateway.js";

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function start(env: Record<string, string>) {
  const service = await startGateway(
    loadGatewayConfig({ HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent", SHIELD_URL: DEAD_URL, API_URL: DEAD_URL, ...env }),
  );
  stops.push(service.stop);
  return service;
}

describe("startGateway", () => {
  it("listens, counts rate limits in Redis, serves metrics, and stops idempotently", async () => {
    const redisUrl = await requireRedis();
    const service = await start({ REDIS_URL: redisUrl, RATE_LIMIT_PREFIX: uniquePrefix("gw-start") });
    expect(service.name).toBe("gateway");
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const page = await fetch(`${service.url}/`);
    expect(page.headers.get("ratelimit-remaining")).toBe("599");
    const metrics = await fetch(`${service.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('integration_request_total{service="gateway"');
    await service.stop();
    await service.stop();
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });

  it("refuses /metrics to addresses outside METRICS_ALLOW", async () => {
    const service = await start({ METRICS_ALLOW: "10.0.0.0/8" });
    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe("GW_ERR_METRICS_FORBIDDEN");
  });
});
