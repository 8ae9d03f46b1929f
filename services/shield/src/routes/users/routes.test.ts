import type { UserEvent } from "@materi/contracts";
import { catalogDecoders, createMemoryTransport, decodeEnvelope } from "@materi/events";
import { createDatabase, createLogger, createMetrics, httpTracing, initTracing, runMigrations, type Database } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../../test/helpers/postgres.js";
import { buildApp, type ShieldDeps } from "../../app.js";
import { loadShieldConfig } from "../../config.js";
import { shieldMigrations } from "../../store/migrations.js";
import { ensureActiveSigningKey } from "../../store/signingKeyStore.js";

// PATCH /api/v1/users/me on buildApp with app.inject (STYLE.md §8), on the real PostgreSQL: the
// user.updated event is read back from Shield's outbox, where the request's transaction put it.
describe("PATCH /api/v1/users/me: email change", () => {
  let database: TestDatabase;
  let db: Database;
  let app: FastifyInstance;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase("shield_users_routes");
    db = createDatabase({ url: database.url, poolSize: 4 });
    await runMigrations(db, { owner: "shield", migrations: shieldMigrations });
    await ensureActiveSigningKey(db);
    dataDir = await mkdtemp(path.join(tmpdir(), "materi-shield-routes-"));
    const config = loadShieldConfig({ DATABASE_URL: database.url, LOG_LEVEL: "silent", MATERI_DATA_DIR: dataDir });
    // As in production: the HTTP tracing hook is what makes the request's correlation id current.
    const tracing = initTracing({ service: "shield" });
    const observability: ShieldDeps["observability"] = {
      metrics: createMetrics({ service: "shield" }),
      instrument: (instance) => void instance.register(httpTracing, { service: "shield" }),
      breakerState: () => undefined,
      shutdown: () => tracing.shutdown(),
    };
    app = await buildApp(config, {
      db,
      registry: undefined,
      logger: createLogger({ service: "shield", level: "silent" }),
      transport: createMemoryTransport(),
      serviceKeys: ["route-test-service-key-0123456789abcdef"],
      readiness: [],
      observability,
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  let counter = 0;
  async function signUp(label: string): Promise<{ id: string; email: string; token: string }> {
    counter += 1;
    const email = `${label}-${counter}-${Date.now().toString(36)}@example.test`;
    const password = "correct horse battery staple";
    const created = await app.inject({ method: "POST", url: "/api/v1/users", payload: { email, password, name: label } });
    expect(created.statusCode).toBe(201);
    const login = await app.inject({ method: "POST", url: "/api/v1/auth/token", payload: { grant_type: "password", username: email, password } });
    expect(login.statusCode).toBe(200);
    return { id: created.json<{ id: string }>().id, email, token: login.json<{ access_token: string }>().access_token };
  }
  const patch = (token: string, body: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: "PATCH", url: "/api/v1/users/me", headers: { authorization: `Bearer ${token}`, ...headers }, payload: body as object });

  async function outboxEvents(userId: string): Promise<Array<{ type: string; correlationId: string; payload: UserEvent }>> {
    const { rows } = await db.query<{ envelope: Buffer }>("select envelope from shield.outbox where aggregate_id = $1 order by id", [userId]);
    const out = [];
    for (const row of rows) {
      const decoded = await decodeEnvelope(row.envelope, catalogDecoders);
      out.push({ type: decoded.envelope.eventType, correlationId: decoded.envelope.correlationId, payload: decoded.payload as UserEvent });
    }
    return out;
  }

  it("stores the email normalised and emits user.updated with exactly the email in `changes`", async () => {
    const me = await signUp("mover");
    const wanted = `  New.Address-${counter}@Example.TEST `;
    const normalised = wanted.trim().toLowerCase();
    const res = await patch(me.token, { email: wanted }, { "x-correlation-id": "route-test-email-change" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: me.id, email: normalised, name: "mover", created_at: expect.any(String) });
    const stored = await db.query<{ email: string }>("select email from shield.users where id = $1", [me.id]);
    expect(stored.rows).toEqual([{ email: normalised }]);
    // GET /users/me agrees, and the same address in another spelling changes nothing (no event).
    expect((await app.inject({ method: "GET", url: "/api/v1/users/me", headers: { authorization: `Bearer ${me.token}` } })).json()).toMatchObject({ email: normalised });
    expect((await patch(me.token, { email: normalised.toUpperCase() })).statusCode).toBe(200);

    const events = await outboxEvents(me.id);
    expect(events.map((e) => e.type)).toEqual(["user.created", "user.updated"]);
    const updated = events[1]!;
    expect(updated.payload).toMatchObject({ userId: me.id, email: normalised, action: "updated" });
    expect(updated.payload.changes).toEqual({ email: normalised });
    expect(updated.correlationId).toBe("route-test-email-change");
    const everything = JSON.stringify(events.map((e) => e.payload));
    expect(everything).not.toMatch(/argon2|password/i);
  });

  it("answers 409 for an address another account holds, in any spelling, and changes nothing", async () => {
    const owner = await signUp("owner");
    const other = await signUp("other");
    const res = await patch(other.token, { email: ` ${owner.email.toUpperCase()} ` });
    expect(res.statusCode).toBe(409);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 409, code: "SHIELD_ERR_EMAIL_TAKEN" });
    const stored = await db.query<{ email: string }>("select email from shield.users where id = $1", [other.id]);
    expect(stored.rows).toEqual([{ email: other.email }]);
    expect((await outboxEvents(other.id)).map((e) => e.type)).toEqual(["user.created"]);
  });

  it("refuses a malformed address (400), and a password hash slipped into a patch never lands nor travels", async () => {
    const me = await signUp("strict");
    expect((await patch(me.token, { email: "not-an-address" })).statusCode).toBe(400);
    expect((await patch(me.token, { password_hash: "x" })).statusCode).toBe(400);
    const hashOf = async () => (await db.query<{ password_hash: string }>("select password_hash from shield.users where id = $1", [me.id])).rows[0]!.password_hash;
    const before = await hashOf();
    // Fastify's Ajv drops unknown members (removeAdditional), so the known field alone applies.
    const res = await patch(me.token, { email: `Strict-${counter}@Example.test`, password_hash: "$argon2id$forged" });
    expect(res.statusCode).toBe(200);
    expect(await hashOf()).toBe(before);
    const events = await outboxEvents(me.id);
    expect(events.map((e) => e.type)).toEqual(["user.created", "user.updated"]);
    expect(events[1]!.payload.changes).toEqual({ email: `strict-${counter}@example.test` });
    expect(JSON.stringify(events.map((e) => e.payload))).not.toMatch(/argon2|password|forged/i);
  });
});
