import type { Queryable } from "@materi/platform";

/** One raw activity row: an edit (collaboration or REST) or an AI request. */
export interface ActivityRow {
  eventId: string;
  kind: "edit" | "ai";
  workspaceId: string;
  documentId: string | null;
  userId: string | null;
  occurredAt: Date;
  aiTokens: number;
}

/** Inserts raw activity rows in one statement; a row whose event_id is already there is left as it is. */
export async function insertActivityEvents(tx: Queryable, rows: readonly ActivityRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into api.activity_events (event_id, kind, workspace_id, document_id, user_id, occurred_at, ai_tokens)
     select * from unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::timestamptz[], $7::bigint[])
     on conflict (event_id) do nothing`,
    [
      rows.map((r) => r.eventId),
      rows.map((r) => r.kind),
      rows.map((r) => r.workspaceId),
      rows.map((r) => r.documentId),
      rows.map((r) => r.userId),
      rows.map((r) => r.occurredAt),
      rows.map((r) => r.aiTokens),
    ],
  );
}

/** The workspace of each of `documentIds` this api knows, by document id. */
export async function workspacesOfDocuments(db: Queryable, documentIds: readonly string[]): Promise<Map<string, string>> {
  if (documentIds.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; workspace_id: string }>("select id, workspace_id from api.documents where id = any($1::uuid[])", [
    [...new Set(documentIds)],
  ]);
  return new Map(rows.map((r) => [r.id, r.workspace_id]));
}

/** Which of `workspaceIds` exist. */
export async function existingWorkspaces(db: Queryable, workspaceIds: readonly string[]): Promise<Set<string>> {
  if (workspaceIds.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>("select id from api.workspaces where id = any($1::uuid[])", [[...new Set(workspaceIds)]]);
  return new Set(rows.map((r) => r.id));
}

// Any number: one roll-up at a time across replicas, held for the batch's transaction.
const ROLLUP_LOCK = 0x61637476; // "actv"

/** Takes the roll-up lock for the transaction; false when another replica holds it. */
export async function tryRollupLock(tx: Queryable): Promise<boolean> {
  const { rows } = await tx.query<{ locked: boolean }>("select pg_try_advisory_xact_lock($1) as locked", [ROLLUP_LOCK]);
  return rows[0]?.locked === true;
}

/** Marks up to `limit` pending rows rolled up; returns the (workspace, day) pairs and documents they touch. */
export async function takePendingActivity(
  tx: Queryable,
  limit: number,
): Promise<{ count: number; days: { workspaceId: string; day: string }[]; documentIds: string[] }> {
  const { rows } = await tx.query<{ workspace_id: string; day: string; document_id: string | null; kind: string }>(
    `update api.activity_events set rolled_up = true
      where event_id in (select event_id from api.activity_events where not rolled_up order by occurred_at limit $1)
      returning workspace_id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day, document_id, kind`,
    [limit],
  );
  const days = new Map<string, { workspaceId: string; day: string }>();
  const documentIds = new Set<string>();
  for (const row of rows) {
    days.set(`${row.workspace_id}/${row.day}`, { workspaceId: row.workspace_id, day: row.day });
    if (row.kind === "edit" && row.document_id) documentIds.add(row.document_id);
  }
  return { count: rows.length, days: [...days.values()], documentIds: [...documentIds] };
}

/**
 * Recomputes the daily aggregates of the given (workspace, UTC day) pairs from every raw row of
 * that day: distinct counts are not additive, so a day is recomputed, never incremented.
 */
export async function recomputeDays(tx: Queryable, days: readonly { workspaceId: string; day: string }[]): Promise<void> {
  if (days.length === 0) return;
  await tx.query(
    `insert into api.activity_daily (workspace_id, day, documents_edited, edits, active_editors, ai_requests, ai_tokens)
     select t.workspace_id, t.day,
            count(distinct e.document_id) filter (where e.kind = 'edit'),
            count(*) filter (where e.kind = 'edit'),
            count(distinct e.user_id) filter (where e.kind = 'edit'),
            count(*) filter (where e.kind = 'ai'),
            coalesce(sum(e.ai_tokens) filter (where e.kind = 'ai'), 0)
       from unnest($1::uuid[], $2::date[]) as t (workspace_id, day)
       join api.activity_events e on e.workspace_id = t.workspace_id
        and e.occurred_at >= t.day::timestamp at time zone 'UTC'
        and e.occurred_at < (t.day + 1)::timestamp at time zone 'UTC'
      group by t.workspace_id, t.day
     on conflict (workspace_id, day) do update set
       documents_edited = excluded.documents_edited, edits = excluded.edits, active_editors = excluded.active_editors,
       ai_requests = excluded.ai_requests, ai_tokens = excluded.ai_tokens`,
    [days.map((d) => d.workspaceId), days.map((d) => d.day)],
  );
}

/** Last edit per document, from the raw rows (ties broken by event id, so a rebuild picks the same one). */
export async function recomputeLastEdits(tx: Queryable, documentIds: readonly string[]): Promise<void> {
  if (documentIds.length === 0) return;
  await tx.query(
    `insert into api.activity_documents (document_id, workspace_id, last_edited_by, last_edited_at)
     select distinct on (e.document_id) e.document_id, e.workspace_id, e.user_id, e.occurred_at
       from api.activity_events e
      where e.kind = 'edit' and e.document_id = any($1::uuid[])
      order by e.document_id, e.occurred_at desc, e.event_id desc
     on conflict (document_id) do update set workspace_id = excluded.workspace_id,
       last_edited_by = excluded.last_edited_by, last_edited_at = excluded.last_edited_at`,
    [documentIds],
  );
}

/** Empties the aggregates and marks every raw row pending, so the batch recomputes everything. */
export async function resetAggregates(tx: Queryable): Promise<number> {
  await tx.query("delete from api.activity_daily");
  await tx.query("delete from api.activity_documents");
  const { rowCount } = await tx.query("update api.activity_events set rolled_up = false");
  return rowCount;
}

/** Empties the whole read model, raw rows included (rebuild from the event log). */
export async function truncateActivity(tx: Queryable): Promise<void> {
  await tx.query("truncate api.activity_events, api.activity_daily, api.activity_documents");
}

export interface ActivityDay {
  date: string;
  documents_edited: number;
  edits: number;
  active_editors: number;
  ai_requests: number;
  ai_tokens: number;
}

/** One entry per day from `from` to `to` (inclusive, UTC), zeros where nothing happened. */
export async function activityDays(db: Queryable, workspaceId: string, from: string, to: string): Promise<ActivityDay[]> {
  const { rows } = await db.query<ActivityDay>(
    `select to_char(g.day, 'YYYY-MM-DD') as date,
            coalesce(a.documents_edited, 0) as documents_edited, coalesce(a.edits, 0) as edits,
            coalesce(a.active_editors, 0) as active_editors, coalesce(a.ai_requests, 0) as ai_requests,
            coalesce(a.ai_tokens, 0)::float8 as ai_tokens
       from generate_series($2::date, $3::date, interval '1 day') as g (day)
       left join api.activity_daily a on a.workspace_id = $1 and a.day = g.day::date
      order by g.day`,
    [workspaceId, from, to],
  );
  return rows;
}

export interface ActivityDocument {
  document_id: string;
  title: string;
  last_edited_by: string | null;
  last_edited_at: Date;
}

/** Documents whose last edit falls in the range, newest first (trashed ones left out). */
export async function activityDocuments(db: Queryable, workspaceId: string, from: string, to: string, limit: number): Promise<ActivityDocument[]> {
  const { rows } = await db.query<ActivityDocument>(
    `select a.document_id, d.title, a.last_edited_by, a.last_edited_at
       from api.activity_documents a join api.documents d on d.id = a.document_id and d.trashed_at is null
      where a.workspace_id = $1
        and a.last_edited_at >= $2::date::timestamp at time zone 'UTC'
        and a.last_edited_at < ($3::date + 1)::timestamp at time zone 'UTC'
      order by a.last_edited_at desc, a.document_id limit $4`,
    [workspaceId, from, to, limit],
  );
  return rows;
}

/** Waits for the roll-up lock (the rebuild: the live batches skip while it holds it). */
export async function waitForRollupLock(tx: Queryable): Promise<void> {
  await tx.query("select pg_advisory_xact_lock($1)", [ROLLUP_LOCK]);
}

/** Totals over the whole model, for the rebuild's report. */
export async function activityTotals(db: Queryable): Promise<{ raw_events: number; workspace_days: number; documents: number }> {
  const { rows } = await db.query<{ raw_events: number; workspace_days: number; documents: number }>(
    `select (select count(*) from api.activity_events)::int as raw_events,
            (select count(*) from api.activity_daily)::int as workspace_days,
            (select count(*) from api.activity_documents)::int as documents`,
  );
  return rows[0] ?? { raw_events: 0, workspace_days: 0, documents: 0 };
}
