import { randomUUID } from "node:crypto";
import type { ApiContext } from "../context.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import { insertDocument } from "../store/documentStore.js";
import { writeDocumentContent, type ContentInput } from "./documentContent.js";
import type { FoundDocument } from "./documentFinder.js";
import { requireWorkspaceRole } from "./workspaceAccess.js";

/**
 * POST /documents: an editor (or above) of the workspace creates a document, with optional content.
 *
 * Order: the content is appended to the docstore first (durable once it returns), then the
 * metadata row and its `document.created` event commit in one transaction. A crash between the two
 * leaves an unreachable docstore log (no metadata row points at its random id) and the client got
 * no 201; the reverse order could announce a document whose acknowledged content never landed.
 */
export async function documentCreator({
  ctx,
  userId,
  workspaceId,
  title,
  content,
}: {
  ctx: ApiContext;
  userId: string;
  workspaceId: string;
  title: string;
  content?: ContentInput;
}): Promise<FoundDocument> {
  const role = await requireWorkspaceRole(ctx.db, workspaceId, userId, "editor");
  const id = randomUUID();
  const written = content === undefined ? null : await writeDocumentContent(ctx, { documentId: id, content, origin: `rest:${userId}` });
  const contentSeq = written?.seq ?? 0;
  const row = await ctx.db.transaction(async (tx) => {
    const inserted = await insertDocument(tx, { id, workspaceId, title, userId, contentSeq, searchText: written?.text ?? "" });
    await enqueueDocumentEvent(ctx, tx, { documentId: id, workspaceId, userId, action: "created", content: { title, content_seq: contentSeq } });
    return inserted;
  });
  if (written) await keepCreatedRevision(ctx, id, userId);
  // The inserted row is current; the content is the one just written (read once), or the empty document.
  return { row, role, content: written ?? (await ctx.docs.readContent(id)) };
}

/** History starts with the created content; the document exists without it, so a failure only logs. */
async function keepCreatedRevision(ctx: ApiContext, documentId: string, userId: string): Promise<void> {
  try {
    await ctx.docs.saveRevision(documentId, "created", userId);
  } catch (err) {
    ctx.logger.warn({ err, documentId }, "could not keep the created revision");
  }
}
