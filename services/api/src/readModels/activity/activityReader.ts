import { platformProblem } from "@materi/platform";
import type { ApiContext } from "../../context.js";
import { apiProblem } from "../../errors.js";
import { workspaceRoleOf } from "../../store/permissionStore.js";
import { activityDays, activityDocuments, type ActivityDay } from "../../store/activityStore.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longest range one request may ask for, in days. */
export const MAX_ACTIVITY_DAYS = 366;
const DEFAULT_DAYS = 30;
const DOCUMENT_LIMIT = 100;

export interface WorkspaceActivity {
  days: ActivityDay[];
  documents: { document_id: string; title: string; last_edited_by: string | null; last_edited_at: string }[];
}

/**
 * The activity read model of a workspace for its members (any role); to anyone else the
 * workspace does not exist. Eventual: up to ACTIVITY_BATCH_MS behind the events.
 */
export async function activityReader(input: {
  ctx: Pick<ApiContext, "db">;
  userId: string;
  workspaceId: string;
  from?: string | undefined;
  to?: string | undefined;
  now?: Date;
}): Promise<WorkspaceActivity> {
  const { ctx, workspaceId } = input;
  if (!(await workspaceRoleOf(ctx.db, workspaceId, input.userId))) {
    throw apiProblem("API_ERR_WORKSPACE_NOT_FOUND", "No such workspace, or you are not a member of it.");
  }
  const { from, to } = rangeOf(input.from, input.to, input.now ?? new Date());
  const [days, documents] = await Promise.all([
    activityDays(ctx.db, workspaceId, from, to),
    activityDocuments(ctx.db, workspaceId, from, to, DOCUMENT_LIMIT),
  ]);
  return {
    days,
    documents: documents.map((d) => ({ ...d, last_edited_at: d.last_edited_at.toISOString() })),
  };
}

/** `to` defaults to today (UTC), `from` to 29 days before `to`; both inclusive. */
export function rangeOf(fromText: string | undefined, toText: string | undefined, now: Date): { from: string; to: string } {
  const to = toText === undefined ? startOfDay(now) : parseDay(toText, "to");
  const from = fromText === undefined ? to - (DEFAULT_DAYS - 1) * DAY_MS : parseDay(fromText, "from");
  if (from > to) throw platformProblem("PLATFORM_ERR_VALIDATION", "`from` must not be after `to`.");
  if ((to - from) / DAY_MS + 1 > MAX_ACTIVITY_DAYS) {
    throw platformProblem("PLATFORM_ERR_VALIDATION", `A range covers at most ${MAX_ACTIVITY_DAYS} days.`);
  }
  return { from: dayText(from), to: dayText(to) };
}

function parseDay(text: string, name: string): number {
  const ms = Date.parse(`${text}T00:00:00Z`);
  // Date.parse rolls 2026-02-31 over to March: a real calendar day must print back the same.
  if (Number.isNaN(ms) || dayText(ms) !== text) throw platformProblem("PLATFORM_ERR_VALIDATION", `\`${name}\` is not a calendar day (YYYY-MM-DD).`);
  return ms;
}

const startOfDay = (date: Date): number => Math.floor(date.getTime() / DAY_MS) * DAY_MS;
const dayText = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
