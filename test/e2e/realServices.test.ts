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
    const running: Launched = await launchAll({ DATABASE_URL: database.url, REDIS_URL: redisUrl, MATERI_DATA_DIR: tempDataDir() });
    try {
      await expectSkeletonWorks(running);
    } finally {
      expect(await running.stop()).toBe(0);
    }
    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>(
        "select nspname from pg_namespace where nspname in ('shield','api','aria') order by 1",
      );
      expect(rows.map((r) => r.nspname)).toEqual(["api", "aria", "shield"]);
    } finally {
      await client.end();
    }
  });
});
