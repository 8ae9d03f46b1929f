import type { JsonObject } from "@bufbuild/protobuf";
import type { DocumentContent } from "@materi/docstore";
import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import { findDocument, lockDocument, recordContent, updateTitle, type DocumentRow } from "../store/documentStore.js";
import { documentNotFound, requireDocumentRole } from "./documentAccess.js";
import { writeDocumentContent, type ContentInput } from "./documentContent.js";
import type { FoundDocument } from "./documentFinder.js";
import { matchesVersion } from "./documentVersion.js";

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
