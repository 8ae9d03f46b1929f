import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createDocStore, type DocStore } from "@materi/docstore";
import { createDatabase, createLogger, type Database } from "@materi/platform";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectedToday,
  FAST_READ_MODELS,
  openSql,
  publishActivity,
  publisherBus,
  seedDocument,
  seedWorkspace,
  type ActivityScenario,
} from "./readModelFixtures.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

// Issue 6: `npm run rebuild -- read-models` reconstructs the activity model from the retained
// event streams and the search index from the docstore (the built CLI, as an operator runs it).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const run = promisify(execFile);

let stack: ApiStack;
let sql: pg.Pool;
let db: Database;
let docs: DocStore;
let publisher: ReturnType<typeof publisherBus>;

beforeAll(async () => {
  stack = await startApiStack(FAST_READ_MODELS);
  sql = openSql(stack);
  db = createDatabase({ url: stack.database.url, poolSize: 2 });
  docs = createDocStore({ db, logger: createLogger({ service: "test", level: "silent" }), redisUrl: stack.redisUrl });
  publisher = publisherBus(stack.redisUrl, "relay");
});

afterAll(async () => {
  await publisher?.close();
  await docs?.channel.close();
  await db?.close();
  await sql?.end();
  if (stack) {
    await stack.close();
  }
});

async function rebuild(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "rebuild", "--", ...args], {
      cwd: ROOT,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", LOG_LEVEL: "silent", ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; signal?: string; stdout?: string; stderr?: string };
    // No exit code: killed (the timeout) or never started; say which instead of an empty stderr.
    const why = failed.code === undefined ? `${String(err)} (signal ${failed.signal ?? "none"})` : "";
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr || why };
  }
}

async function activityOf(user: TestUser, workspaceId: string): Promise<unknown> {
  const response = await user.call("GET", `/api/v1/workspaces/${workspaceId}/activity`);
  expect(response.status).toBe(200);
  return response.json();
}

describe("npm run rebuild -- read-models", () => {
  it("gives the same aggregates after the read model is truncated, and recomputes the search index from the docstore", async () => {
    const member = await newTestUser(stack, "rebuild");
    const workspaceId = await seedWorkspace(sql, [{ userId: member.id, role: "owner" }]);
    const editors: [string, string, string] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const documents: [string, string] = [await seedDocument(sql, workspaceId, member.id, "Alpha"), await seedDocument(sql, workspaceId, member.id, "Beta")];
    const scenario: ActivityScenario = { workspaceId, documents, editors };
    const stored = await docs.writeContent(documents[0], { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "rebuilt from the docstore" }] }] }, `rest:${member.id}`);
    await publishActivity(publisher.bus, scenario);
    const { day } = expectedToday(scenario);
    await expect.poll(async () => ((await activityOf(member, workspaceId)) as { days: unknown[] }).days.at(-1), { timeout: 15_000, interval: 100 }).toEqual(day);
    const before = await activityOf(member, workspaceId);

    // Lose the whole read model and the search text.
    await sql.query("truncate api.activity_events, api.activity_daily, api.activity_documents");
    await sql.query("update api.documents set search_text = '', content_seq = 0 where workspace_id = $1", [workspaceId]);
    const emptied = (await activityOf(member, workspaceId)) as { days: Record<string, unknown>[]; documents: unknown[] };
    expect(emptied.days.at(-1)).toMatchObject({ edits: 0, ai_requests: 0 });
    expect(emptied.documents).toEqual([]);

    const result = await rebuild(["read-models"], { DATABASE_URL: stack.database.url, REDIS_URL: stack.redisUrl });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l["model"])).toEqual(["activity", "search_index"]);
    expect(lines[0]).toMatchObject({ model: "activity", log: "redis" });
    expect(lines[0]?.["raw_events"]).toBeGreaterThanOrEqual(6);
    expect(lines[1]).toMatchObject({ model: "search_index", failed: [] });

    expect(await activityOf(member, workspaceId)).toEqual(before);
    const search = await sql.query("select id, search_text, content_seq::int as seq from api.documents where workspace_id = $1 order by title", [workspaceId]);
    expect(search.rows).toEqual([
      { id: documents[0], search_text: expect.stringContaining("rebuilt from the docstore"), seq: stored?.seq },
      { id: documents[1], search_text: "", seq: 0 },
    ]);
  }, 90_000);

  it("exits non-zero with a clear message on a bad target or an unreachable database", async () => {
    const usage = await rebuild(["everything"], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: npm run rebuild -- read-models");
    const missing = `${stack.database.url.replace(/\/[^/]+$/, "")}/materi_no_such_database`;
    const failed = await rebuild(["read-models"], { DATABASE_URL: missing, REDIS_URL: stack.redisUrl });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^rebuild failed: .*materi_no_such_database/m);
  }, 90_000);
});
