import { randomUUID } from "node:crypto";
import type { Queryable } from "@materi/platform";

export type SagaState = "running" | "compensating" | "completed" | "failed";

/** What a completed step changed that a compensation can put back. */
export type SagaUndo =
  | { kind: "ownership_handed_over"; workspaceId: string; newOwnerId: string }
  | { kind: "workspace_archived"; workspaceId: string };

/** One line of a saga's history: a step (or the compensation) succeeded or failed. */
export interface SagaHistoryEntry {
  step: string;
  outcome: "completed" | "failed" | "compensated" | "retry_requested";
  attempt: number;
  error?: string;
  at: string;
}

export interface UserRemovalSaga {
  id: string;
  userId: string;
  email: string;
  eventId: string;
  state: SagaState;
  step: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  undo: SagaUndo[];
  history: SagaHistoryEntry[];
  startedAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

interface Row {
  id: string;
  user_id: string;
  email: string;
  event_id: string;
  state: SagaState;
  step: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  undo: SagaUndo[];
  history: SagaHistoryEntry[];
  started_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

const toSaga = (row: Row): UserRemovalSaga => ({
  id: row.id,
  userId: row.user_id,
  email: row.email,
  eventId: row.event_id,
  state: row.state,
  step: row.step,
  attempts: row.attempts,
  lastError: row.last_error,
  nextAttemptAt: row.next_attempt_at,
  undo: row.undo,
  history: row.history,
  startedAt: row.started_at,
  updatedAt: row.updated_at,
  completedAt: row.completed_at,
});

/** Starts the saga of a deleted user; a second user.deleted for the same user (a replay) starts nothing. */
export async function insertUserRemovalSaga(
  tx: Queryable,
  input: { userId: string; email: string; eventId: string; firstStep: string },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `insert into api.user_removal_sagas (id, user_id, email, event_id, state, step)
     values ($1, $2, $3, $4, 'running', $5) on conflict (user_id) do nothing`,
    [randomUUID(), input.userId, input.email, input.eventId, input.firstStep],
  );
  return rowCount > 0;
}

export async function findUserRemovalSaga(db: Queryable, userId: string): Promise<UserRemovalSaga | null> {
  const { rows } = await db.query<Row>("select * from api.user_removal_sagas where user_id = $1", [userId]);
  return rows[0] ? toSaga(rows[0]) : null;
}

/** Ids of sagas that are due: new, waiting out a retry backoff that has passed, or left by a crashed replica. */
export async function dueUserRemovalSagas(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select id from api.user_removal_sagas
      where state in ('running', 'compensating') and next_attempt_at <= now()
      order by next_attempt_at limit $1`,
    [limit],
  );
  return rows.map((row) => row.id);
}

/**
 * Locks a due saga for the caller's transaction; null when another replica holds it, or it is no
 * longer due. The step's work and the saga's advance then commit together.
 */
export async function lockDueSaga(tx: Queryable, id: string): Promise<UserRemovalSaga | null> {
  const { rows } = await tx.query<Row>(
    `select * from api.user_removal_sagas
      where id = $1 and state in ('running', 'compensating') and next_attempt_at <= now()
      for update skip locked`,
    [id],
  );
  return rows[0] ? toSaga(rows[0]) : null;
}

/** Moves to the next step (or completes), appending the undo entries and a history line. */
export async function advanceSaga(
  tx: Queryable,
  id: string,
  next: { step: string; state: SagaState; undo: readonly SagaUndo[]; history: SagaHistoryEntry },
): Promise<void> {
  await tx.query(
    `update api.user_removal_sagas
        set step = $2, state = $3, attempts = 0, last_error = null, next_attempt_at = now(),
            undo = undo || $4::jsonb, history = history || $5::jsonb, updated_at = now(),
            completed_at = case when $3 in ('completed', 'failed') then now() else null end
      where id = $1`,
    [id, next.step, next.state, JSON.stringify(next.undo), JSON.stringify([next.history])],
  );
}

/** Records a failed attempt: the error, the backoff, and (when giving up) the new state. */
export async function recordSagaFailure(
  db: Queryable,
  id: string,
  failure: { attempts: number; error: string; retryInMs: number; state: SagaState; history: SagaHistoryEntry },
): Promise<void> {
  await db.query(
    `update api.user_removal_sagas
        set attempts = $2, last_error = $3, state = $5,
            next_attempt_at = now() + make_interval(secs => $4::double precision),
            history = history || $6::jsonb, updated_at = now(),
            completed_at = case when $5 = 'failed' then now() else null end
      where id = $1`,
    [id, failure.attempts, failure.error, failure.retryInMs / 1000, failure.state, JSON.stringify([failure.history])],
  );
}

/** Ends a compensation: the saga is failed with the step's reason kept, and nothing left to undo. */
export async function finishCompensation(tx: Queryable, id: string, history: SagaHistoryEntry): Promise<void> {
  await tx.query(
    `update api.user_removal_sagas
        set state = 'failed', undo = '[]'::jsonb, history = history || $2::jsonb, updated_at = now(), completed_at = now()
      where id = $1`,
    [id, JSON.stringify([history])],
  );
}

/** A failed saga starts again from its first step (every step is idempotent). False when it is not failed. */
export async function restartFailedSaga(db: Queryable, userId: string, firstStep: string, history: SagaHistoryEntry): Promise<boolean> {
  const { rowCount } = await db.query(
    `update api.user_removal_sagas
        set state = 'running', step = $2, attempts = 0, next_attempt_at = now(), completed_at = null,
            history = history || $3::jsonb, updated_at = now()
      where user_id = $1 and state = 'failed'`,
    [userId, firstStep, JSON.stringify([history])],
  );
  return rowCount > 0;
}

// ---- Step (a): workspaces the user owns alone ----

/** Live workspaces where `userId` is the only owner, locked for the step's transaction. */
export async function soleOwnedWorkspaces(tx: Queryable, userId: string): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `select w.id from api.workspaces w
       join api.members m on m.workspace_id = w.id and m.user_id = $1 and m.role = 'owner'
      where w.archived_at is null
        and not exists (select 1 from api.members o where o.workspace_id = w.id and o.role = 'owner' and o.user_id <> $1)
      order by w.id
      for update of w`,
    [userId],
  );
  return rows.map((row) => row.id);
}

/** The admin who joined first (earliest members.created_at), skipping users already deleted. */
export async function oldestAdminOf(tx: Queryable, workspaceId: string, leavingUserId: string): Promise<string | null> {
  const { rows } = await tx.query<{ user_id: string }>(
    `select m.user_id from api.members m
      where m.workspace_id = $1 and m.role = 'admin' and m.user_id <> $2
        and not exists (select 1 from api.user_directory u where u.user_id = m.user_id and u.deleted_at is not null)
      order by m.created_at, m.user_id limit 1`,
    [workspaceId, leavingUserId],
  );
  return rows[0]?.user_id ?? null;
}

/** Sets a member's role when it is currently `from`; true when it changed. */
export async function changeMemberRole(tx: Queryable, workspaceId: string, userId: string, from: string, to: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    "update api.members set role = $4 where workspace_id = $1 and user_id = $2 and role = $3",
    [workspaceId, userId, from, to],
  );
  return rowCount > 0;
}

/** Archives (or, with `archived` false, restores) a workspace; true when it changed. */
export async function setWorkspaceArchived(tx: Queryable, workspaceId: string, archived: boolean): Promise<boolean> {
  const { rowCount } = await tx.query(
    archived
      ? "update api.workspaces set archived_at = now(), updated_at = now() where id = $1 and archived_at is null"
      : "update api.workspaces set archived_at = null, updated_at = now() where id = $1 and archived_at is not null",
    [workspaceId],
  );
  return rowCount > 0;
}

// ---- Step (b): every grant the user holds ----

export async function deleteUserMemberships(tx: Queryable, userId: string): Promise<{ workspaceId: string; role: string }[]> {
  const { rows } = await tx.query<{ workspace_id: string; role: string }>(
    "delete from api.members where user_id = $1 returning workspace_id, role",
    [userId],
  );
  return rows.map((row) => ({ workspaceId: row.workspace_id, role: row.role }));
}

export interface RemovedShare {
  shareId: string;
  documentId: string;
  workspaceId: string;
  role: string;
}

export async function deleteUserShares(tx: Queryable, userId: string): Promise<RemovedShare[]> {
  const { rows } = await tx.query<{ id: string; document_id: string; workspace_id: string; role: string }>(
    `delete from api.shares s using api.documents d
      where s.user_id = $1 and d.id = s.document_id
      returning s.id, s.document_id, d.workspace_id, s.role`,
    [userId],
  );
  return rows.map((row) => ({ shareId: row.id, documentId: row.document_id, workspaceId: row.workspace_id, role: row.role }));
}

export interface RemovedLinkGrant {
  linkId: string;
  documentId: string;
  workspaceId: string;
  role: string;
}

export async function deleteUserLinkGrants(tx: Queryable, userId: string): Promise<RemovedLinkGrant[]> {
  const { rows } = await tx.query<{ link_id: string; document_id: string; workspace_id: string; role: string }>(
    `delete from api.share_link_grants g using api.share_links l, api.documents d
      where g.user_id = $1 and l.id = g.link_id and d.id = l.document_id
      returning g.link_id, l.document_id, d.workspace_id, l.role`,
    [userId],
  );
  return rows.map((row) => ({ linkId: row.link_id, documentId: row.document_id, workspaceId: row.workspace_id, role: row.role }));
}
