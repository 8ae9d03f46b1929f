import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { requireRedis, uniquePrefix } from "../../../../test/helpers/redis.js";
import { FakeShield } from "../test-support/fakeShield.js";
import { json, startTestGateway, type TestGateway } from "../test-support/startTestGateway.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gatewayOn(redis: Redis | undefined, env: Record<string, string>): Promise<TestGateway> {
  const gateway = await startTestGateway({ RATE_LIMIT_REQUESTS: "5", RATE_LIMIT_WINDOW_S: "60", ...env }, { redis });
  cleanups.push(() => gateway.close());
  return gateway;
}

async function redisClient(url: string): Promise<Redis> {
  const redis = new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 1 });
  cleanups.push(() => redis.quit());
  // Until "ready" the limiter counts in memory (rejectIfRedisNotReady), as startGateway waits for too.
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  return redis;
}

// Proxied API paths are checked by the node:http fast path, everything else by Fastify's edge
// guard: both count into the same limiter.
describe.each([
  { served: "by Fastify", path: "/nope", status: 404 },
  { served: "by the proxy fast path", path: "/api/v1/documents", status: 401 },
])("rate limits on Redis, requests served $served", ({ path, status }) => {
  it("shares one client's count between two gateways on one Redis", async () => {
    const url = await requireRedis();
    const prefix = uniquePrefix("gw-rl");
    const a = await gatewayOn(await redisClient(url), { RATE_LIMIT_PREFIX: prefix });
    const b = await gatewayOn(await redisClient(url), { RATE_LIMIT_PREFIX: prefix });
    const statuses: number[] = [];
    for (const gateway of [a, a, a, b, b]) statuses.push((await fetch(`${gateway.url}${path}`)).status);
    expect(statuses).toEqual([status, status, status, status, status]);
    const sixth = await fetch(`${b.url}${path}`);
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(sixth.headers.get("ratelimit-remaining")).toBe("0");
    expect(await json(sixth)).toMatchObject({ code: "PLATFORM_ERR_RATE_LIMITED" });
    // A's view agrees: the count lives in Redis, not in either process.
    expect((await fetch(`${a.url}${path}`)).status).toBe(429);
  });

  it("counts in Redis every request it answered from memory", async () => {
    const url = await requireRedis();
    const prefix = uniquePrefix("gw-batch");
    const redis = await redisClient(url);
    const gateway = await gatewayOn(redis, { RATE_LIMIT_PREFIX: prefix, RATE_LIMIT_REQUESTS: "1000" });
    const remaining: number[] = [];
    for (let i = 0; i < 150; i++) remaining.push(Number((await fetch(`${gateway.url}${path}`)).headers.get("ratelimit-remaining")));
    expect(remaining[0]).toBe(999);
    expect(remaining.at(-1)).toBe(850);
    await gateway.close();
    expect(Number(await redis.get(`${prefix}:ip:127.0.0.1`))).toBe(150);
  });
});

describe("rate limits", () => {
  it("reports RateLimit-* on every response and counts down", async () => {
    const gateway = await gatewayOn(undefined, {});
    const first = await fetch(`${gateway.url}/`);
    expect(first.headers.get("ratelimit-limit")).toBe("5");
    expect(first.headers.get("ratelimit-remaining")).toBe("4");
    expect(Number(first.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
    const second = await fetch(`${gateway.url}/nope`);
    expect(second.headers.get("ratelimit-remaining")).toBe("3");
  });

  it("counts an authenticated user by subject, not by address", async () => {
    const shield = await FakeShield.start();
    cleanups.push(() => shield.close());
    const gateway = await gatewayOn(undefined, { JWKS_URL: shield.jwksUrl });
    const alice = { authorization: `Bearer ${await shield.mint({ sub: "alice" })}` };
    for (let i = 0; i < 5; i++) await fetch(`${gateway.url}/nope`, { headers: alice });
    expect((await fetch(`${gateway.url}/nope`, { headers: alice })).status).toBe(429);
    // Same address, different identity: its own budget.
    expect((await fetch(`${gateway.url}/nope`)).status).toBe(404);
    const bob = { authorization: `Bearer ${await shield.mint({ sub: "bob" })}` };
    expect((await fetch(`${gateway.url}/nope`, { headers: bob })).status).toBe(404);
  });

  it("never counts health probes", async () => {
    const gateway = await gatewayOn(undefined, {});
    for (let i = 0; i < 8; i++) expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it("falls back to per-process limits when Redis is unreachable", async () => {
    // Nothing listens on port 1; ioredis keeps retrying in the background.
    const redis = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 0, retryStrategy: () => 1_000 });
    cleanups.push(async () => redis.disconnect());
    const gateway = await gatewayOn(redis, { RATE_LIMIT_PREFIX: uniquePrefix("gw-down") });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${gateway.url}/nope`)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
  });
});
