import { RevisionNotFoundError } from "@materi/docstore";
import type { ApiContext } from "../context.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import { lockDocument, recordContent } from "../store/documentStore.js";
import { documentNotFound, requireDocumentRole } from "./documentAccess.js";
import { readSearchText } from "./documentContent.js";
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
  if (stored) {
    const written = await readSearchText(ctx, documentId);
    await ctx.db.transaction(async (tx) => {
      const row = await lockDocument(tx, documentId);
      if (!row) throw documentNotFound();
      await recordContent(tx, documentId, written, userId);
      await enqueueDocumentEvent(ctx, tx, {
        documentId,
        workspaceId: row.workspace_id,
        userId,
        action: "updated",
        content: { content_seq: written.seq, restored_revision: rev },
      });
    });
  }
  return loadDocument(ctx, documentId, role);
}
