import { randomUUID } from "node:crypto";
import { createDatabase, createLogger, runMigrations, type Database } from "@materi/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/helpers/postgres.js";
import type { PermissionCache } from "../permissions/PermissionCache.js";
import { apiMigrations } from "../store/migrations.js";
import { findUserRemovalSaga, insertUserRemovalSaga } from "../store/userRemovalStore.js";
import { UserRemovalSagaRunner } from "./UserRemovalSagaRunner.js";
import { handOverOwnership, markUserDeleted, removeGrants, type SagaStep } from "./userRemovalSteps.js";

const logger = createLogger({ service: "test", level: "silent" });
const permissions: PermissionCache = {
  get: async () => null,
  invalidateWorkspace: () => undefined,
  invalidateDocument: () => undefined,
  invalidateUser: () => undefined,
  stop: async () => undefined,
};

let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase("saga");
  db = createDatabase({ url: database.url, poolSize: 4 });
  await runMigrations(db, { owner: "api", migrations: apiMigrations });
});

afterAll(async () => {
  await db.close();
  await database.drop();
});

/** A workspace owned by `ownerId` alone, with an admin when `adminId` is given. */
async function workspaceOf(ownerId: string, adminId?: string): Promise<string> {
  const id = randomUUID();
  await db.query("insert into api.workspaces (id, name, created_by) values ($1, 'w', $2)", [id, ownerId]);
  await db.query("insert into api.members (workspace_id, user_id, role) values ($1, $2, 'owner')", [id, ownerId]);
  if (adminId) await db.query("insert into api.members (workspace_id, user_id, role) values ($1, $2, 'admin')", [id, adminId]);
  return id;
}

/** Wraps a step so its dependency throws on every call, counting them. */
function alwaysFailing(step: SagaStep): SagaStep & { calls: number } {
  const failing = {
    name: step.name,
    calls: 0,
    run: async () => {
      failing.calls++;
      throw new Error("docstore unreachable (injected)");
    },
  };
  return failing;
}

function runner(steps: readonly SagaStep[]): UserRemovalSagaRunner {
  return new UserRemovalSagaRunner({ ctx: { db, logger, permissions, registry: undefined }, steps, maxAttempts: 3, retryMs: 1, pollMs: 60_000 });
}

async function runUntilSettled(saga: UserRemovalSagaRunner, userId: string): Promise<void> {
  await expect
    .poll(async () => {
      await saga.runDue();
      return (await findUserRemovalSaga(db, userId))?.state;
    }, { timeout: 5_000, interval: 20 })
    .toMatch(/^(completed|failed)$/);
  // Retries scheduled their own passes too: stop them before the database goes away.
  await saga.stop();
}

describe("UserRemovalSagaRunner", () => {
  it("gives up after maxAttempts, compensates the ownership step, and ends failed with the reason", async () => {
    const [userId, adminId] = [randomUUID(), randomUUID()];
    const handedOver = await workspaceOf(userId, adminId);
    const archived = await workspaceOf(userId);
    const failing = alwaysFailing(removeGrants);
    const saga = runner([handOverOwnership, failing, markUserDeleted]);
    await db.transaction((tx) => insertUserRemovalSaga(tx, { userId, email: "x@example.test", eventId: randomUUID(), firstStep: saga.firstStep }));

    await runUntilSettled(saga, userId);

    const state = await findUserRemovalSaga(db, userId);
    expect(state).toMatchObject({ state: "failed", step: "remove_grants", lastError: "docstore unreachable (injected)", undo: [] });
    expect(failing.calls).toBe(3);
    expect(state?.history.map((h) => `${h.step}:${h.outcome}`)).toEqual([
      "hand_over_ownership:completed",
      "remove_grants:failed",
      "remove_grants:failed",
      "remove_grants:failed",
      "remove_grants:compensated",
    ]);
    // Compensated: the admin is an admin again, the archived workspace is live, the user still owns both.
    const roles = await db.query("select workspace_id, user_id, role from api.members where workspace_id = any($1::uuid[]) order by role", [[handedOver, archived]]);
    expect(roles.rows).toEqual(
      expect.arrayContaining([
        { workspace_id: handedOver, user_id: adminId, role: "admin" },
        { workspace_id: handedOver, user_id: userId, role: "owner" },
        { workspace_id: archived, user_id: userId, role: "owner" },
      ]),
    );
    const live = await db.query<{ archived_at: Date | null }>("select archived_at from api.workspaces where id = $1", [archived]);
    expect(live.rows[0]?.archived_at).toBeNull();
  });

  it("counts every attempt once when two replicas drive the same saga", async () => {
    const userId = randomUUID();
    const failing = alwaysFailing(markUserDeleted);
    const replicas = [runner([failing]), runner([failing])];
    await db.transaction((tx) => insertUserRemovalSaga(tx, { userId, email: "z@example.test", eventId: randomUUID(), firstStep: failing.name }));
    await expect
      .poll(async () => {
        await Promise.all(replicas.map((r) => r.runDue()));
        return (await findUserRemovalSaga(db, userId))?.state;
      }, { timeout: 5_000, interval: 5 })
      .toBe("failed");
    await Promise.all(replicas.map((r) => r.stop()));
    expect(failing.calls).toBe(3);
    // Nothing was undone: the failing step was the first, so no compensation ran.
    expect((await findUserRemovalSaga(db, userId))?.history.map((h) => `${h.outcome}:${h.attempt}`)).toEqual(["failed:1", "failed:2", "failed:3"]);
  });

  it("resumes a saga a crashed process left midway, from the step it stood at", async () => {
    const userId = randomUUID();
    const ws = await workspaceOf(randomUUID());
    await db.query("insert into api.members (workspace_id, user_id, role) values ($1, $2, 'editor')", [ws, userId]);
    const saga = runner([handOverOwnership, removeGrants, markUserDeleted]);
    // As a crash after step (a) committed leaves it: running, at step (b).
    await db.transaction((tx) => insertUserRemovalSaga(tx, { userId, email: "y@example.test", eventId: randomUUID(), firstStep: "remove_grants" }));

    await runUntilSettled(saga, userId);

    expect(await findUserRemovalSaga(db, userId)).toMatchObject({ state: "completed", step: "done", attempts: 0, lastError: null });
    expect((await db.query("select 1 from api.members where user_id = $1", [userId])).rowCount).toBe(0);
    const outbox = await db.query<{ event_type: string }>("select event_type from api.outbox where aggregate_id = $1", [ws]);
    expect(outbox.rows.map((r) => r.event_type)).toEqual(["workspace.member_removed"]);
    const directory = await db.query<{ deleted: boolean }>("select deleted_at is not null as deleted from api.user_directory where user_id = $1", [userId]);
    expect(directory.rows[0]?.deleted).toBe(true);
  });
});
