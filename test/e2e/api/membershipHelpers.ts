import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { MembershipEvent } from "@materi/contracts";
import { decodedEvents } from "../../helpers/streamEvents.js";
import type { Redis } from "ioredis";
import pg from "pg";
import { expect } from "vitest";
import type { ApiStack, TestUser } from "./stack.js";

/** Shared steps of the workspaces, members, invitations and permissions suites. */

export async function createWorkspace(user: TestUser, name = "Team space"): Promise<{ id: string; name: string; role: string; created_at: string }> {
  const res = await user.call("POST", "/api/v1/workspaces", { name });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; name: string; role: string; created_at: string };
}

export async function addMember(owner: TestUser, workspaceId: string, user: TestUser, role: string): Promise<void> {
  const res = await owner.call("POST", `/api/v1/workspaces/${workspaceId}/members`, { user_id: user.id, role });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** Waits until the api's user directory has the user (the users stream is asynchronous). */
export async function knownToApi(stack: ApiStack, userId: string): Promise<void> {
  const client = new pg.Client({ connectionString: stack.database.url });
  await client.connect();
  try {
    await expect
      .poll(async () => (await client.query("select 1 from api.user_directory where user_id = $1 and deleted_at is null", [userId])).rowCount, { timeout: 15_000 })
      .toBe(1);
  } finally {
    await client.end();
  }
}

export interface DecodedMembershipEvent {
  type: string;
  source: string;
  payload: MembershipEvent;
}

/** MembershipEvents of one workspace on materi:events:documents since `since` (an entry id). */
export async function membershipEvents(redis: Redis, since: string, workspaceId: string): Promise<DecodedMembershipEvent[]> {
  return (await decodedEvents(redis, "documents", since))
    .filter((decoded) => decoded.eventType.startsWith("workspace.") && (decoded.payload as MembershipEvent).workspaceId === workspaceId)
    .map((decoded) => ({ type: decoded.eventType, source: decoded.envelope.sourceService, payload: decoded.payload as MembershipEvent }));
}

/** Polls until `count` membership events of the workspace are on the stream, then returns them. */
export async function awaitMembershipEvents(redis: Redis, since: string, workspaceId: string, count: number): Promise<DecodedMembershipEvent[]> {
  await expect.poll(async () => (await membershipEvents(redis, since, workspaceId)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
  return membershipEvents(redis, since, workspaceId);
}

/** Plain-text bodies of the .eml files written to `email`. */
export async function mailsTo(stack: ApiStack, email: string): Promise<string[]> {
  const files = await readdir(stack.mailDir).catch(() => [] as string[]);
  const texts = await Promise.all(files.filter((f) => f.endsWith(".eml")).map((f) => readFile(path.join(stack.mailDir, f), "utf8")));
  return texts
    .filter((t) => t.includes(`To: ${email}\r\n`))
    .map((t) => Buffer.from(t.split("\r\n\r\n")[1]!.replace(/\r\n/g, ""), "base64").toString("utf8"));
}

/** The entry id of "now", for reading only this test's events. */
export const streamNow = (): string => `${Date.now() - 1}-0`;
