import { RevisionNotFoundError } from "@materi/docstore";
import type { ApiContext } from "../context.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import { lockDocument, recordContent } from "../store/documentStore.js";
import { documentNotFound, requireDocumentRole } from "./documentAccess.js";
import { loadDocument, type FoundDocument } from "./documentFinder.js";
import { revisionNotFound } from "./revisionLister.js";

/**
 * POST /documents/{id}/revisions/{rev}/restore (editor and above): the docstore applies the diff to
 * the revision's state as a new change (live editors keep merging). As for a PATCH, the content is
 * durable first; then the search text, content_seq and `document.updated` commit together.
 */
export async function revisionRestorer({ ctx, userId, documentId, rev }: { ctx: ApiContext; userId: string; documentId: string; rev: number }): Promise<FoundDocument> {
  const { role } = await requireDocumentRole(ctx, { documentId, userId, required: "editor" });
  let stored;
  try {
    stored = await ctx.docs.restoreRevision(documentId, rev, userId);
  } catch (err) {
    if (err instanceof RevisionNotFoundError) throw revisionNotFound();
    throw err;
  }
  if (!stored) return loadDocument(ctx, documentId, role);
  // Read once: its text and seq go to the search index, the whole of it to the answer.
  const content = await ctx.docs.readContent(documentId);
  const row = await ctx.db.transaction(async (tx) => {
    const locked = await lockDocument(tx, documentId);
    if (!locked) throw documentNotFound();
    const recorded = await recordContent(tx, documentId, content, userId);
    await enqueueDocumentEvent(ctx, tx, {
      documentId,
      workspaceId: locked.workspace_id,
      userId,
      action: "updated",
      content: { content_seq: content.seq, restored_revision: rev },
    });
    return recorded;
  });
  return { row, role, content };
}
