import type { SystemEvent } from "@materi/contracts";
import { catalogDecoders, decodeEnvelope, streamName } from "@materi/events";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../helpers/postgres.js";
import { requireRedis } from "../helpers/redis.js";
import { launchAll, tempDataDir, type Launched } from "./helpers/launch.js";
import { expectSkeletonWorks } from "./helpers/skeletonChecks.js";

// The same skeleton on the real PostgreSQL and Redis, as production runs it.
describe("real PostgreSQL and Redis", () => {
  let database: { url: string; drop(): Promise<void> };
  let redisUrl: string;
  beforeAll(async () => {
    redisUrl = await requireRedis();
    database = await createTestDatabase("e2e");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("serves every service behind the gateway and migrates one schema per owner", async () => {
    const redis = new Redis(redisUrl);
    const since = `${Date.now()}-0`;
    const serviceKey = "e2e-service-key-".padEnd(40, "x");
    const running: Launched = await launchAll({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      MATERI_DATA_DIR: tempDataDir(),
      SERVICE_KEYS: serviceKey,
    });
    try {
      await expectSkeletonWorks(running);
      const schemas = await fetch(`${running.urls.api}/internal/schemas`, { headers: { "x-service-key": serviceKey } });
      expect(schemas.status).toBe(200);
      const body = (await schemas.json()) as { schemas: Array<{ event_type: string; version: number }> };
      expect(body.schemas.map((s) => s.event_type)).toContain("user.created");
      expect((await fetch(`${running.urls.api}/internal/schemas`)).status).toBe(401);
    } finally {
      expect(await running.stop()).toBe(0);
    }
    // Every service announced itself on the system stream, with the spec's envelope.
    const entries = await redis.xrangeBuffer(streamName("system"), since, "+");
    await redis.quit();
    const announced = new Map<string, string[]>();
    for (const [, fields] of entries) {
      const envelopeAt = fields.findIndex((f) => f.toString() === "envelope");
      const decoded = await decodeEnvelope(fields[envelopeAt + 1]!, catalogDecoders);
      const envelope = decoded.envelope;
      const payload = decoded.payload as SystemEvent;
      announced.set(payload.service, [...(announced.get(payload.service) ?? []), envelope.eventType]);
      expect(envelope.sourceService).toBe(payload.service);
    }
    for (const service of ["shield", "api", "relay", "aria", "gateway"]) {
      expect(announced.get(service), service).toEqual(expect.arrayContaining(["system.started", "system.stopping"]));
    }
    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>(
        "select nspname from pg_namespace where nspname in ('shield','api','aria','events') order by 1",
      );
      expect(rows.map((r) => r.nspname)).toEqual(["api", "aria", "events", "shield"]);
    } finally {
      await client.end();
    }
  });
});
