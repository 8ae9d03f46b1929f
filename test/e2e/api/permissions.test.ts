import { create } from "@bufbuild/protobuf";
import { MembershipEventSchema } from "@materi/contracts";
import { createEventBus, createRedisTransport, type RedisTransport } from "@materi/events";
import { createLogger } from "@materi/platform";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, awaitMembershipEvents, createWorkspace, streamNow } from "./membershipHelpers.js";
import { newTestUser, SERVICE_KEY, startApiStack, type ApiStack, type TestUser } from "./stack.js";

// Issue 6: GET /internal/permissions for relay and aria, cached and invalidated by membership changes.
describe("api /internal/permissions", () => {
  let stack: ApiStack;
  let db: pg.Client;
  let transport: RedisTransport;
  let redis: Redis;
  let owner: TestUser;
  let member: TestUser;
  let workspaceId: string;
  let documentId: string;
  beforeAll(async () => {
    // A long cache life, so a changed answer proves an invalidation, not an expiry.
    stack = await startApiStack({ PERMISSION_CACHE_MS: "600000" });
    db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    transport = createRedisTransport({ url: stack.redisUrl, connectionName: "api-permissions-test" });
    redis = new Redis(stack.redisUrl);
    [owner, member] = await Promise.all([newTestUser(stack, "owner"), newTestUser(stack, "member")]);
    workspaceId = (await createWorkspace(owner)).id;
    await addMember(owner, workspaceId, member, "editor");
    // Seeded directly: the documents routes are built alongside this suite.
    documentId = randomUUID();
    await db.query("insert into api.documents (id, workspace_id, title, created_by, updated_by) values ($1, $2, 'Seeded', $3, $3)", [documentId, workspaceId, owner.id]);
  });
  afterAll(async () => {
    redis?.disconnect();
    await transport?.close();
    await db?.end();
    await stack?.close();
  });

  const ask = (userId: string, docId: string, key: string | null = SERVICE_KEY) =>
    fetch(`${stack.api.url}/internal/permissions?user_id=${userId}&document_id=${docId}`, { headers: key ? { "x-service-key": key } : {} });
  const roleOf = async (userId: string): Promise<string | null> => {
    const res = await ask(userId, documentId);
    expect(res.status).toBe(200);
    return ((await res.json()) as { role: string | null }).role;
  };

  it("needs the service key, and answers the effective role, null without access, 404 for no document", async () => {
    expect((await ask(member.id, documentId, null)).status).toBe(401);
    expect((await ask(member.id, documentId, "not-the-key".padEnd(48, "x"))).status).toBe(401);
    // Public callers cannot reach it through the gateway with a user token either.
    expect([401, 403, 404]).toContain((await member.call("GET", `/internal/permissions?user_id=${member.id}&document_id=${documentId}`)).status);

    const res = await ask(member.id, documentId);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user_id: member.id, document_id: documentId, workspace_id: workspaceId, role: "editor" });
    expect(await roleOf(owner.id)).toBe("owner");
    expect(await roleOf(randomUUID())).toBeNull();
    const missing = await ask(member.id, randomUUID());
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "API_ERR_DOCUMENT_NOT_FOUND" });
    expect((await ask("not-a-uuid", documentId)).status).toBe(400);
  });

  it("changes its answer at once after a role change or removal on this replica", async () => {
    expect(await roleOf(member.id)).toBe("editor");
    const patched = await owner.call("PATCH", `/api/v1/workspaces/${workspaceId}/members/${member.id}`, { role: "viewer" });
    expect(patched.status).toBe(200);
    expect(await roleOf(member.id)).toBe("viewer");
    expect((await owner.call("DELETE", `/api/v1/workspaces/${workspaceId}/members/${member.id}`)).status).toBe(204);
    expect(await roleOf(member.id)).toBeNull();
    await addMember(owner, workspaceId, member, "commenter");
    expect(await roleOf(member.id)).toBe("commenter");
  });

  /**
   * A new viewer whose answer is cached, then promoted to editor in the table with no event (as
   * another replica's write before its event arrives). The tail passes member_added first, so
   * only what the test does next can drop the cached answer.
   */
  const cachedViewerWithSilentPromotion = async (label: string): Promise<TestUser> => {
    const user = await newTestUser(stack, label);
    const since = streamNow();
    await addMember(owner, workspaceId, user, "viewer");
    await awaitMembershipEvents(redis, since, workspaceId, 1);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await roleOf(user.id)).toBe("viewer");
    await db.query("update api.members set role = 'editor' where workspace_id = $1 and user_id = $2", [workspaceId, user.id]);
    return user;
  };

  it("drops cached answers on membership events written by another replica", async () => {
    const other = await cachedViewerWithSilentPromotion("other");
    // Another replica's change: its own transaction, its event on materi:events:documents.
    expect(await roleOf(other.id)).toBe("viewer"); // still the cached answer
    const bus = createEventBus({ service: "api", transport, logger: createLogger({ service: "test", level: "silent" }) });
    await bus.publish(
      "workspace.member_role_changed",
      create(MembershipEventSchema, { workspaceId, userId: other.id, actorId: owner.id, action: "member_role_changed", role: "editor" }),
    );
    await expect.poll(() => roleOf(other.id), { timeout: 5_000 }).toBe("editor");
    await bus.close();
  });

  it("reads the tables with fresh=true (the relay re-checking after an event), bypassing a cached answer", async () => {
    const fresh = await cachedViewerWithSilentPromotion("fresh");
    expect(await roleOf(fresh.id)).toBe("viewer");
    const res = await fetch(`${stack.api.url}/internal/permissions?user_id=${fresh.id}&document_id=${documentId}&fresh=true`, { headers: { "x-service-key": SERVICE_KEY } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { role: string | null }).role).toBe("editor");
    // And the fresh answer is what the cache holds next.
    expect(await roleOf(fresh.id)).toBe("editor");
    const bad = await fetch(`${stack.api.url}/internal/permissions?user_id=${fresh.id}&document_id=${documentId}&fresh=maybe`, { headers: { "x-service-key": SERVICE_KEY } });
    expect(bad.status).toBe(400);
  });
});
