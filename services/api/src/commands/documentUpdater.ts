import type { JsonObject } from "@bufbuild/protobuf";
import { atLeast, ROLES } from "@materi/contracts";
import type { DocumentContent } from "@materi/docstore";
import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { changeWithDocumentEvent, enqueueDocumentEvent } from "../events/documentEvents.js";
import { findDocument, lockDocument, recordContent, renameStatement, updateTitle, type DocumentRow } from "../store/documentStore.js";
import { effectiveRole, type GrantRow } from "../store/permissionStore.js";
import { documentNotFound, requireDocumentRole } from "./documentAccess.js";
import { writeDocumentContent, type ContentInput } from "./documentContent.js";
import type { FoundDocument } from "./documentFinder.js";
import { matchesVersion, versionsNamed } from "./documentVersion.js";

export interface DocumentUpdate {
  ctx: ApiContext;
  userId: string;
  documentId: string;
  title?: string;
  content?: ContentInput;
  /** The content_seq `content` was based on: merge three-way (see writeDocumentContent). */
  baseSeq?: number;
  /** The If-Match header, when sent: the change applies only while the version is one it names. */
  ifMatch?: string;
}

/**
 * PATCH /documents/{id} (editor and above). The title is metadata: with If-Match a stale version is
 * refused (412 with the current version and title), without it the last writer wins. Content never
 * conflicts: it merges as a CRDT (docstore writeContent makes the minimal Yjs change).
 *
 * Order: content is appended first (durable when it returns), then one transaction records its
 * seq and text for search, changes the title and writes the `document.updated` event. A crash in
 * between leaves acknowledged-nowhere content that is still in the log (the next write or a
 * read-model rebuild refreshes the index); the reverse order could announce a content_seq that
 * never landed.
 */
export async function documentUpdater(update: DocumentUpdate): Promise<FoundDocument> {
  const { ctx, userId, documentId, ifMatch } = update;
  if (update.content === undefined && update.title !== undefined) {
    const renamed = await renameAlone({ ...update, title: update.title });
    if (renamed) return renamed;
  }
  const { role } = await requireDocumentRole(ctx, { documentId, userId, required: "editor" });
  // Checked before any write, so a stale request changes nothing, content included.
  if (ifMatch !== undefined) {
    const current = await findDocument(ctx.db, documentId);
    if (!current) throw documentNotFound();
    if (!matchesVersion(ifMatch, current.version)) throw stale(current);
  }
  const { content, baseSeq } = update;
  const written =
    content === undefined
      ? null
      : await writeDocumentContent(ctx, { documentId, content, origin: `rest:${userId}`, ...(baseSeq === undefined ? {} : { baseSeq }) });
  const { row, conflict } = await commitMetadata(update, written);
  // Rare race: the version moved between the check above and the lock. The content already merged
  // (it cannot conflict) and is recorded; the title is left as the other writer set it.
  if (conflict) throw stale(row);
  // The row as the transaction left it; the content as the write read it back (read now when only the title changed).
  return { row, role, content: written ?? (await ctx.docs.readContent(documentId)) };
}

/** The roles that may PATCH a document. */
const EDITOR_ROLES = ROLES.filter((role) => atLeast(role, "editor"));

/**
 * The common title-only PATCH as one statement outside a transaction (one round trip, one
 * commit): the access check (editor+, as requireDocumentRole), If-Match, the rename and its
 * `document.updated` event together, while the content for the answer is read alongside (a
 * rename does not touch it). The event names the workspace: known from an earlier rename of the
 * document, else from an access check first. null when the statement changed nothing (no
 * access, trashed, If-Match stale, or the same title): the general path then answers exactly as
 * before (404, 403, 412 with the current version, or the unchanged document).
 */
async function renameAlone(update: DocumentUpdate & { title: string }): Promise<FoundDocument | null> {
  const { ctx, userId, documentId, title, ifMatch } = update;
  let workspaceId = ctx.documentWorkspaces.get(documentId);
  if (workspaceId === undefined) {
    workspaceId = (await requireDocumentRole(ctx, { documentId, userId, required: "editor" })).workspaceId;
    ctx.documentWorkspaces.remember(documentId, workspaceId);
  }
  const versions = ifMatch === undefined ? "any" : versionsNamed(ifMatch);
  const change = renameStatement({ id: documentId, workspaceId, title, userId, versions: versions === "any" ? null : versions, roles: EDITOR_ROLES });
  const event = { documentId, workspaceId, userId, action: "updated", content: { title } } as const;
  const [rows, content] = await Promise.all([
    changeWithDocumentEvent<DocumentRow & GrantRow>(ctx, ctx.db, change, event),
    ctx.docs.readContent(documentId),
  ]);
  const row = rows[0];
  const role = row ? effectiveRole(row) : null;
  // The row carries the grants too; the presenter picks the document's fields only.
  return row && role ? { row, role, content } : null;
}

/**
 * The metadata transaction: the row as it left it, and whether If-Match no longer held under the
 * lock (then the title was not changed).
 */
async function commitMetadata(update: DocumentUpdate, written: DocumentContent | null): Promise<{ row: DocumentRow; conflict: boolean }> {
  const { ctx, userId, documentId, ifMatch } = update;
  return ctx.db.transaction(async (tx) => {
    let row = await lockDocument(tx, documentId);
    if (!row || row.trashed_at) throw documentNotFound();
    const workspaceId = row.workspace_id;
    const changes: JsonObject = {};
    if (written) {
      row = await recordContent(tx, documentId, written, userId);
      changes["content_seq"] = written.seq;
    }
    const conflict = ifMatch !== undefined && !matchesVersion(ifMatch, row.version);
    if (!conflict && update.title !== undefined && update.title !== row.title) {
      row = await updateTitle(tx, documentId, update.title, userId);
      changes["title"] = update.title;
    }
    if (Object.keys(changes).length > 0) {
      await enqueueDocumentEvent(ctx, tx, { documentId, workspaceId, userId, action: "updated", content: changes });
    }
    return { row, conflict };
  });
}

function stale(current: DocumentRow) {
  return apiProblem("API_ERR_PRECONDITION_FAILED", `The document is at version ${current.version}; reload it and decide.`, {
    // `title` is the problem's own member (RFC 9457), so the document's state travels under `current`.
    extensions: { version: current.version, current: { version: current.version, title: current.title } },
    headers: { etag: `"${current.version}"` },
  });
}
