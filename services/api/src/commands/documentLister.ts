import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { listDocuments, listTrash, type ListedDocument, type PageKey } from "../store/documentStore.js";
import { requireWorkspaceRole } from "./workspaceAccess.js";

export interface DocumentPage {
  items: ListedDocument[];
  nextCursor: string | null;
}

/** Which listing a cursor belongs to: a cursor of one never pages another. */
type CursorKind = "recent" | "search" | "trash";

interface ListInput {
  ctx: ApiContext;
  userId: string;
  workspaceId: string;
  cursor?: string;
  limit?: number;
}

/**
 * GET /workspaces/{id}/documents (members of the workspace, any role): without `q` the most
 * recently changed first; with `q` PostgreSQL full-text search over title and content, best rank first.
 */
export async function documentLister(input: ListInput & { q?: string }): Promise<DocumentPage> {
  await requireWorkspaceRole(input.ctx.db, input.workspaceId, input.userId, "viewer");
  const q = input.q?.trim() ? input.q.trim() : undefined;
  const kind: CursorKind = q === undefined ? "recent" : "search";
  const limit = input.limit ?? input.ctx.config.PAGE_SIZE;
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, kind);
  const rows = await listDocuments(input.ctx.db, { workspaceId: input.workspaceId, limit: limit + 1, ...(q ? { q } : {}), ...(after ? { after } : {}) });
  return page(rows, limit, kind);
}

/** GET /workspaces/{id}/trash (members of the workspace): trashed documents, newest first. */
export async function trashLister(input: ListInput): Promise<DocumentPage> {
  await requireWorkspaceRole(input.ctx.db, input.workspaceId, input.userId, "viewer");
  const limit = input.limit ?? input.ctx.config.PAGE_SIZE;
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, "trash");
  const rows = await listTrash(input.ctx.db, { workspaceId: input.workspaceId, limit: limit + 1, ...(after ? { after } : {}) });
  return page(rows, limit, "trash");
}

function page(rows: ListedDocument[], limit: number, kind: CursorKind): DocumentPage {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(kind, { k: last.sort_key, id: last.id }) : null };
}

export function encodeCursor(kind: CursorKind, key: PageKey): string {
  return Buffer.from(JSON.stringify({ t: kind, k: key.k, id: key.id })).toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const REAL = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** A cursor this listing issued, or a 422: a forged key must not reach SQL as a bad cast (500). */
export function decodeCursor(cursor: string, kind: CursorKind): PageKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const c = parsed as { t?: unknown; k?: unknown; id?: unknown } | null;
  const keyFormat = kind === "search" ? REAL : TIMESTAMP;
  if (!c || c.t !== kind || typeof c.k !== "string" || typeof c.id !== "string" || !UUID.test(c.id) || !keyFormat.test(c.k)) {
    throw apiProblem("API_ERR_INVALID_CONTENT", "The cursor is not one this listing issued; start again without it.");
  }
  return { k: c.k, id: c.id };
}
