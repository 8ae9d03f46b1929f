import type { Queryable } from "@materi/platform";

/** The tokens a workspace used today (UTC) and its limit. */
export interface QuotaState {
  used: number;
  limit: number;
}

/** Today's tokens and the workspace's limit (its row in aria.quotas, else `defaultLimit`), in one round trip. */
export async function quotaStateOf(db: Queryable, workspaceId: string, defaultLimit: number): Promise<QuotaState> {
  const { rows } = await db.query<{ used: string | null; limit: string | null }>(
    `select (select tokens from aria.daily_usage where workspace_id = $1 and day = (now() at time zone 'utc')::date) as used,
            (select daily_tokens from aria.quotas where workspace_id = $1) as limit`,
    [workspaceId],
  );
  const row = rows[0];
  return { used: Number(row?.used ?? 0), limit: row?.limit === null || row?.limit === undefined ? defaultLimit : Number(row.limit) };
}

export interface StartedRecord {
  requestId: string;
  workspaceId: string;
  documentId: string | undefined;
  userId: string;
  operation: string;
}

/**
 * The started record's insert, as a statement for enqueueEvent's `alongside`: the record and its
 * `ai.generation.started` event in one statement, one round trip and one commit.
 */
export function startedRecordInsert(record: StartedRecord): { sql: string; params: unknown[] } {
  return {
    sql: `insert into aria.usage_records (request_id, workspace_id, document_id, user_id, operation, status)
          values ($1, $2, $3, $4, $5, 'started') returning request_id`,
    params: [record.requestId, record.workspaceId, record.documentId ?? null, record.userId, record.operation],
  };
}

export interface FinishedRecord {
  requestId: string;
  workspaceId: string;
  status: "completed" | "failed";
  provider: string | undefined;
  model: string | undefined;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  error: string | undefined;
}

/**
 * Usage records trade durability for latency: their commit does not wait for the WAL flush
 * (`synchronous_commit off`, this transaction only), so a database crash can forget the last
 * fraction of a second of usage, never corrupt it. Call first in the transaction.
 */
export async function relaxCommit(tx: Queryable): Promise<void> {
  await tx.query("set local synchronous_commit to off");
}

/** Finishes the usage record and adds its tokens to the workspace's day, in one statement. */
export async function finishRecord(tx: Queryable, record: FinishedRecord): Promise<void> {
  await tx.query(
    `with finished as (
       update aria.usage_records
          set status = $3, provider = $4, model = $5, input_tokens = $6, output_tokens = $7, latency_ms = $8, error = $9, finished_at = now()
        where request_id = $1
     )
     insert into aria.daily_usage (workspace_id, day, tokens, generations) values ($2, (now() at time zone 'utc')::date, $6::bigint + $7::bigint, 1)
     on conflict (workspace_id, day) do update set tokens = aria.daily_usage.tokens + excluded.tokens, generations = aria.daily_usage.generations + 1`,
    [record.requestId, record.workspaceId, record.status, record.provider ?? null, record.model ?? null, record.inputTokens, record.outputTokens, record.latencyMs, record.error ?? null],
  );
}
