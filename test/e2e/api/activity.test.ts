import type pg from "pg";
import { Redis } from "ioredis";
import { streamName } from "@materi/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectedToday,
  FAST_READ_MODELS,
  openSql,
  publishActivity,
  publisherBus,
  seedDocument,
  seedWorkspace,
  streamTail,
  type ActivityScenario,
} from "./readModelFixtures.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

// Issue 6: the activity read model (CQRS, eventual, batch-built), fed by the collaboration, ai
// and documents streams, read through the gateway.

let stack: ApiStack;
let sql: pg.Pool;
let publisher: ReturnType<typeof publisherBus>;

beforeAll(async () => {
  stack = await startApiStack(FAST_READ_MODELS);
  sql = openSql(stack);
  publisher = publisherBus(stack.redisUrl, "relay");
});

afterAll(async () => {
  await publisher?.close();
  await sql?.end();
  if (stack) {
    await stack.close();
  }
});

interface Activity {
  days: Record<string, unknown>[];
  documents: { document_id: string; title: string; last_edited_by: string; last_edited_at: string }[];
}

async function activityOf(user: TestUser, workspaceId: string, query = ""): Promise<Activity> {
  const response = await user.call("GET", `/api/v1/workspaces/${workspaceId}/activity${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Activity;
}

describe("activity read model", () => {
  let member: TestUser;
  let scenario: ActivityScenario;

  beforeAll(async () => {
    member = await newTestUser(stack, "member");
    const workspaceId = await seedWorkspace(sql, [{ userId: member.id, role: "viewer" }]);
    const editors: [string, string, string] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const documents: [string, string] = [await seedDocument(sql, workspaceId, editors[0], "First"), await seedDocument(sql, workspaceId, editors[1], "Second")];
    scenario = { workspaceId, documents, editors };
  });

  it("turns collaboration, AI and REST edit events into the day's aggregates", async () => {
    await publishActivity(publisher.bus, scenario);
    const { day, lastEdits } = expectedToday(scenario);
    await expect.poll(async () => (await activityOf(member, scenario.workspaceId)).days.at(-1), { timeout: 15_000, interval: 100 }).toEqual(day);
    const activity = await activityOf(member, scenario.workspaceId);
    expect(activity.days).toHaveLength(30);
    expect(activity.days.slice(0, -1).every((d) => d["edits"] === 0 && d["ai_requests"] === 0)).toBe(true);
    expect(Object.fromEntries(activity.documents.map((d) => [d.document_id, d.last_edited_by]))).toEqual(lastEdits);
    expect(activity.documents.map((d) => d.title)).toEqual(["First", "Second"]);
  }, 60_000);

  it("counts a redelivered event once", async () => {
    const { day } = expectedToday(scenario);
    // The same entry appended again (a publisher retry): same event_id, so no second row.
    const redis = new Redis(stack.redisUrl);
    try {
      const [entry] = await redis.xrevrangeBuffer(streamName("collaboration"), "+", "-", "COUNT", 1);
      expect(entry).toBeDefined();
      const tail = await streamTail(stack.redisUrl, "collaboration");
      await redis.xadd(streamName("collaboration"), "*", ...(entry?.[1] ?? []));
      expect(await streamTail(stack.redisUrl, "collaboration")).not.toBe(tail);
    } finally {
      redis.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await activityOf(member, scenario.workspaceId)).days.at(-1)).toEqual(day);
  });

  it("limits the range to the asked days and refuses a bad one", async () => {
    const activity = await activityOf(member, scenario.workspaceId, "?from=2026-01-30&to=2026-02-02");
    expect(activity.days.map((d) => d["date"])).toEqual(["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"]);
    for (const query of ["?from=2026-02-30", "?from=2026-03-02&to=2026-03-01", "?from=2020-01-01&to=2026-01-01", "?from=yesterday"]) {
      const response = await member.call("GET", `/api/v1/workspaces/${scenario.workspaceId}/activity${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
    }
  });

  it("is a 404 to anyone outside the workspace, and a 401 without a token", async () => {
    const outsider = await newTestUser(stack, "outsider");
    const response = await outsider.call("GET", `/api/v1/workspaces/${scenario.workspaceId}/activity`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe("API_ERR_WORKSPACE_NOT_FOUND");
    expect((await fetch(`${stack.base}/api/v1/workspaces/${scenario.workspaceId}/activity`)).status).toBe(401);
  });
});
