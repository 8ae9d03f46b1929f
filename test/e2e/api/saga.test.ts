import type { DocumentEvent, MembershipEvent } from "@materi/contracts";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodedSince, FAST_READ_MODELS, internalGet, openSql, seedDocument, seedWorkspace, streamTail } from "./readModelFixtures.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

// Issue 6, "Consistency": user.deleted (Shield) -> the api's user-removal saga, end to end over
// the real PostgreSQL and Redis, through the gateway.

let stack: ApiStack;
let sql: pg.Pool;

beforeAll(async () => {
  stack = await startApiStack(FAST_READ_MODELS);
  sql = openSql(stack);
});

afterAll(async () => {
  await sql?.end();
  if (stack) {
    await stack.close();
  }
});

const minutesAgo = (m: number): Date => new Date(Date.now() - m * 60_000);

async function deleteAccount(user: TestUser): Promise<void> {
  const response = await user.call("DELETE", "/api/v1/users/me");
  expect(response.status).toBe(204);
}

async function sagaOf(userId: string, until: RegExp): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> = {};
  await expect
    .poll(async () => {
      const response = await internalGet(stack, `/internal/sagas/user-removal/${userId}`);
      body = response.status === 200 ? ((await response.json()) as Record<string, unknown>) : {};
      return body["state"];
    }, { timeout: 15_000, interval: 50 })
    .toMatch(until);
  return body;
}

describe("user-removal saga", () => {
  it("hands sole ownership to the oldest admin, archives a workspace with no admin, removes every grant with its events", async () => {
    const [leaving, newerAdmin, olderAdmin, editor, owner] = await Promise.all([
      newTestUser(stack, "leaving"),
      newTestUser(stack, "admin-new"),
      newTestUser(stack, "admin-old"),
      newTestUser(stack, "editor"),
      newTestUser(stack, "owner"),
    ]);
    const handedOver = await seedWorkspace(sql, [
      { userId: leaving.id, role: "owner", joinedAt: minutesAgo(60) },
      { userId: newerAdmin.id, role: "admin", joinedAt: minutesAgo(10) },
      { userId: olderAdmin.id, role: "admin", joinedAt: minutesAgo(30) },
      { userId: editor.id, role: "editor", joinedAt: minutesAgo(40) },
    ]);
    const archived = await seedWorkspace(sql, [{ userId: leaving.id, role: "owner" }, { userId: editor.id, role: "editor" }]);
    const elsewhere = await seedWorkspace(sql, [{ userId: owner.id, role: "owner" }, { userId: leaving.id, role: "viewer" }]);
    const document = await seedDocument(sql, elsewhere, owner.id);
    const { rows: shares } = await sql.query<{ id: string }>(
      "insert into api.shares (id, document_id, user_id, role, granted_by) values (gen_random_uuid(), $1, $2, 'editor', $3) returning id",
      [document, leaving.id, owner.id],
    );
    await sql.query(
      `with link as (insert into api.share_links (id, document_id, token_hash, role, created_by)
                     values (gen_random_uuid(), $1, gen_random_uuid()::text::bytea, 'viewer', $2) returning id)
       insert into api.share_link_grants (link_id, user_id) select id, $3 from link`,
      [document, owner.id, leaving.id],
    );
    const tail = await streamTail(stack.redisUrl, "documents");

    await deleteAccount(leaving);

    const saga = await sagaOf(leaving.id, /^(completed|failed)$/);
    expect(saga).toMatchObject({ user_id: leaving.id, state: "completed", step: "done", last_error: null });
    expect((saga["history"] as { step: string; outcome: string }[]).map((h) => `${h.step}:${h.outcome}`)).toEqual([
      "hand_over_ownership:completed",
      "remove_grants:completed",
      "mark_user_deleted:completed",
    ]);
    const members = await sql.query("select workspace_id, user_id, role from api.members where workspace_id = any($1::uuid[])", [[handedOver, archived, elsewhere]]);
    expect(members.rows).toEqual(
      expect.arrayContaining([
        { workspace_id: handedOver, user_id: olderAdmin.id, role: "owner" },
        { workspace_id: handedOver, user_id: newerAdmin.id, role: "admin" },
      ]),
    );
    expect(members.rows.filter((m: { user_id: string }) => m.user_id === leaving.id)).toEqual([]);
    const workspaces = await sql.query("select id, archived_at is not null as archived from api.workspaces where id = any($1::uuid[])", [[handedOver, archived, elsewhere]]);
    expect(Object.fromEntries(workspaces.rows.map((w: { id: string; archived: boolean }) => [w.id, w.archived]))).toEqual({
      [handedOver]: false,
      [archived]: true,
      [elsewhere]: false,
    });
    expect((await sql.query("select 1 from api.shares where user_id = $1 union all select 1 from api.share_link_grants where user_id = $1", [leaving.id])).rowCount).toBe(0);
    const directory = await sql.query("select deleted_at is not null as deleted from api.user_directory where user_id = $1", [leaving.id]);
    expect(directory.rows).toEqual([{ deleted: true }]);

    // The events, as the relay and Shield read them off materi:events:documents.
    await expect
      .poll(async () => (await decodedSince(stack.redisUrl, "documents", tail)).filter((e) => e.envelope.sourceService === "api" && JSON.stringify(e.payload).includes(leaving.id)).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(6);
    const events = (await decodedSince(stack.redisUrl, "documents", tail)).filter((e) => e.envelope.sourceService === "api");
    const membership = events
      .filter((e) => e.eventType.startsWith("workspace.") && (e.payload as MembershipEvent).actorId === leaving.id)
      .map((e) => ({ type: e.eventType, ...pick(e.payload as MembershipEvent) }));
    expect(membership).toEqual(
      expect.arrayContaining([
        { type: "workspace.member_role_changed", workspaceId: handedOver, userId: olderAdmin.id, role: "owner" },
        { type: "workspace.member_removed", workspaceId: handedOver, userId: leaving.id, role: "" },
        { type: "workspace.member_removed", workspaceId: archived, userId: leaving.id, role: "" },
        { type: "workspace.member_removed", workspaceId: elsewhere, userId: leaving.id, role: "" },
      ]),
    );
    // Other suites share the stream: keep this user's.
    const unshared = events
      .filter((e) => e.eventType === "document.unshared")
      .map((e) => e.payload as DocumentEvent)
      .filter((p) => p.userId === leaving.id);
    expect(unshared.map((p) => ({ documentId: p.documentId, workspaceId: p.workspaceId, userId: p.userId, action: p.action }))).toEqual([
      { documentId: document, workspaceId: elsewhere, userId: leaving.id, action: "unshared" },
      { documentId: document, workspaceId: elsewhere, userId: leaving.id, action: "unshared" },
    ]);
    expect(unshared.map((p) => p.content?.["share_id"] ?? p.content?.["link_id"])).toContain(shares[0]?.id);
  }, 60_000);

  it("retries a failing step with backoff and shows every attempt in the saga state", async () => {
    const leaving = await newTestUser(stack, "flaky");
    const workspace = await seedWorkspace(sql, [{ userId: leaving.id, role: "owner" }]);
    // The step's dependency (the members table) fails the first two deletes of this user's rows;
    // a sequence, because it is not rolled back with the failing transaction.
    await sql.query(`
      create sequence if not exists public.saga_fault_${leaving.id.replaceAll("-", "")};
      create or replace function public.saga_fault() returns trigger language plpgsql as $$
      begin
        if old.user_id = '${leaving.id}' and nextval('public.saga_fault_${leaving.id.replaceAll("-", "")}') <= 2 then
          raise exception 'members table unavailable (injected)';
        end if;
        return old;
      end $$;
      create trigger saga_fault before delete on api.members for each row execute function public.saga_fault();
    `);
    try {
      await deleteAccount(leaving);
      const saga = await sagaOf(leaving.id, /^(completed|failed)$/);
      expect(saga).toMatchObject({ state: "completed", attempts: 0, last_error: null });
      const history = saga["history"] as { step: string; outcome: string; attempt: number; error?: string }[];
      expect(history.map((h) => `${h.step}:${h.outcome}:${h.attempt}`)).toEqual([
        "hand_over_ownership:completed:1",
        "remove_grants:failed:1",
        "remove_grants:failed:2",
        "remove_grants:completed:3",
        "mark_user_deleted:completed:1",
      ]);
      expect(history[1]?.error).toContain("members table unavailable (injected)");
      const ws = await sql.query("select archived_at is not null as archived from api.workspaces where id = $1", [workspace]);
      expect(ws.rows).toEqual([{ archived: true }]);
    } finally {
      await sql.query("drop trigger saga_fault on api.members; drop function public.saga_fault()");
    }
  }, 60_000);

  it("answers 404 for a user without a saga, and only with the service key", async () => {
    expect((await internalGet(stack, `/internal/sagas/user-removal/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await fetch(`${stack.api.url}/internal/sagas/user-removal/${crypto.randomUUID()}`)).status).toBe(401);
  });
});

function pick(p: MembershipEvent): { workspaceId: string; userId: string; role: string } {
  return { workspaceId: p.workspaceId, userId: p.userId, role: p.role };
}
