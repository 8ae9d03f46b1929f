import { create } from "@bufbuild/protobuf";
import { MembershipEventSchema, type UserEvent } from "@materi/contracts";
import { catalogDecoders, createEventBus, createRedisTransport, decodeEnvelope, streamName, type RedisTransport } from "@materi/events";
import { createLogger } from "@materi/platform";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, signUpAndLogin, startShieldStack, type ShieldStack } from "./stack.js";

// Issue 5: profiles, co-membership visibility and the user events on materi:events:users.
describe("shield users through the gateway", () => {
  let stack: ShieldStack;
  let gw: string;
  let transport: RedisTransport;
  let redis: Redis;
  beforeAll(async () => {
    stack = await startShieldStack();
    gw = stack.gateway.url;
    transport = createRedisTransport({ url: stack.redisUrl, connectionName: "shield-users-test" });
    redis = new Redis(stack.redisUrl);
  });
  afterAll(async () => {
    redis?.disconnect();
    await transport?.close();
    await stack?.close();
  });

  const get = (path: string, token: string) => fetch(`${gw}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const send = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${gw}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("hides a stranger's profile (404) and shows a co-member's once a membership event arrives", async () => {
    const alice = await signUpAndLogin(gw, "alice");
    const bob = await signUpAndLogin(gw, "bob");
    const stranger = await get(`/api/v1/users/${bob.user.id}`, alice.grant.access_token);
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ code: "SHIELD_ERR_USER_NOT_FOUND" });
    expect((await get(`/api/v1/users/${randomUUID()}`, alice.grant.access_token)).status).toBe(404);

    const bus = createEventBus({ service: "api", transport, logger: createLogger({ service: "test", level: "silent" }) });
    const workspaceId = randomUUID();
    for (const userId of [alice.user.id, bob.user.id]) {
      await bus.publish("workspace.member_added", create(MembershipEventSchema, { workspaceId, userId, actorId: alice.user.id, action: "member_added", role: "editor" }));
    }
    await expect.poll(async () => (await get(`/api/v1/users/${bob.user.id}`, alice.grant.access_token)).status, { timeout: 10_000 }).toBe(200);
    await bus.publish("workspace.member_removed", create(MembershipEventSchema, { workspaceId, userId: bob.user.id, actorId: alice.user.id, action: "member_removed" }));
    await expect.poll(async () => (await get(`/api/v1/users/${bob.user.id}`, alice.grant.access_token)).status, { timeout: 10_000 }).toBe(404);
    await bus.close();
  });

  it("writes user.created, user.updated (changed fields only) and user.deleted to the users stream", async () => {
    const since = `${Date.now() - 1}-0`;
    const { user, grant } = await signUpAndLogin(gw, "events");
    const patched = await send("PATCH", "/api/v1/users/me", grant.access_token, { name: "Renamed" });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: user.id, name: "Renamed" });
    expect((await send("DELETE", "/api/v1/users/me", grant.access_token)).status).toBe(204);
    expect((await get("/api/v1/users/me", grant.access_token)).status).toBe(401);

    const events = await expect
      .poll(async () => {
        const found = await userEvents(redis, since, user.id);
        return found.length === 3 ? found : undefined;
      }, { timeout: 10_000 })
      .toBeDefined()
      .then(() => userEvents(redis, since, user.id));
    expect(events.map((e) => e.type)).toEqual(["user.created", "user.updated", "user.deleted"]);
    expect(events.map((e) => e.source)).toEqual(["shield", "shield", "shield"]);
    expect(events[0]!.payload).toMatchObject({ userId: user.id, email: user.email, action: "created", changes: { name: "Test events" } });
    expect(events[1]!.payload).toMatchObject({ userId: user.id, email: user.email, action: "updated", changes: { name: "Renamed" } });
    expect(Object.keys(events[1]!.payload.changes ?? {})).toEqual(["name"]);
    expect(events[2]!.payload).toMatchObject({ userId: user.id, email: user.email, action: "deleted" });
    expect(JSON.stringify(events.map((e) => e.payload))).not.toMatch(/argon2|password/);
  });

  it("carries the request's correlation id into each user event's envelope, read back from Redis", async () => {
    const since = `${Date.now() - 1}-0`;
    const tag = randomUUID().slice(0, 8);
    const body = { email: `corr-${tag}@example.test`, password: "correct horse battery staple", name: "Correlated" };
    const created = await postJson(`${gw}/api/v1/users`, body, { "x-correlation-id": `signup-${tag}` });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string };
    const login = await postJson(`${gw}/api/v1/auth/token`, { grant_type: "password", username: body.email, password: body.password });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const moved = await fetch(`${gw}/api/v1/users/me`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-correlation-id": `patch-${tag}` },
      body: JSON.stringify({ email: ` Moved-${tag}@Example.TEST` }),
    });
    expect(moved.status).toBe(200);
    // No id from the caller: the one the gateway assigned, and answered with, must be the event's.
    const deleted = await send("DELETE", "/api/v1/users/me", token);
    expect(deleted.status).toBe(204);
    const assigned = deleted.headers.get("x-correlation-id") ?? deleted.headers.get("x-request-id");
    expect(assigned).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);

    await expect.poll(async () => (await userEvents(redis, since, user.id)).length, { timeout: 10_000 }).toBe(3);
    const events = await userEvents(redis, since, user.id);
    expect(events.map((e) => [e.type, e.correlationId])).toEqual([
      ["user.created", `signup-${tag}`],
      ["user.updated", `patch-${tag}`],
      ["user.deleted", assigned],
    ]);
    expect(events[1]!.payload.changes).toEqual({ email: `moved-${tag}@example.test` });
    expect(events[1]!.payload.email).toBe(`moved-${tag}@example.test`);
  });

  it("refuses an email change to a taken address (409) and a malformed patch (400)", async () => {
    const a = await signUpAndLogin(gw, "patch-a");
    const b = await signUpAndLogin(gw, "patch-b");
    const taken = await send("PATCH", "/api/v1/users/me", a.grant.access_token, { email: b.user.email.toUpperCase() });
    expect(taken.status).toBe(409);
    expect((await send("PATCH", "/api/v1/users/me", a.grant.access_token, {})).status).toBe(400);
    expect((await send("PATCH", "/api/v1/users/me", a.grant.access_token, { password_hash: "x" })).status).toBe(400);
  });

  it("changes the password with the current one and signs out other sessions", async () => {
    const { user, grant, password } = await signUpAndLogin(gw, "pw");
    const other = await postJson(`${gw}/api/v1/auth/token`, { grant_type: "password", username: user.email, password });
    const otherGrant = (await other.json()) as { access_token: string };
    const wrong = await send("POST", "/api/v1/users/me/password", grant.access_token, { current_password: "nope nope nope", new_password: "a brand new passphrase" });
    expect(wrong.status).toBe(403);
    const ok = await send("POST", "/api/v1/users/me/password", grant.access_token, { current_password: password, new_password: "a brand new passphrase" });
    expect(ok.status).toBe(204);
    expect((await get("/api/v1/users/me", grant.access_token)).status).toBe(200);
    expect((await get("/api/v1/users/me", otherGrant.access_token)).status).toBe(401);
    const relog = await postJson(`${gw}/api/v1/auth/token`, { grant_type: "password", username: user.email, password: "a brand new passphrase" });
    expect(relog.status).toBe(200);
  });
});

interface DecodedUserEvent {
  type: string;
  source: string;
  correlationId: string;
  payload: UserEvent;
}

async function userEvents(redis: Redis, since: string, userId: string): Promise<DecodedUserEvent[]> {
  const entries = await redis.xrangeBuffer(streamName("users"), since, "+");
  const out: DecodedUserEvent[] = [];
  for (const [, fields] of entries) {
    const at = fields.findIndex((f) => f.toString() === "envelope");
    const decoded = await decodeEnvelope(fields[at + 1]!, catalogDecoders);
    const payload = decoded.payload as UserEvent;
    if (payload.userId === userId) out.push({ type: decoded.envelope.eventType, source: decoded.envelope.sourceService, correlationId: decoded.envelope.correlationId, payload });
  }
  return out;
}
