import type { DocumentContent, Revision } from "@materi/docstore";
import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { requireDocumentRole } from "./documentAccess.js";

export const revisionNotFound = () => apiProblem("API_ERR_NOT_FOUND", "No such revision of this document.");

/** GET /documents/{id}/revisions (any role): newest first, paged by revision number. */
export async function revisionLister({ ctx, userId, documentId, beforeRev, limit }: {
  ctx: ApiContext;
  userId: string;
  documentId: string;
  beforeRev?: number;
  limit?: number;
}): Promise<{ items: Revision[]; nextCursor: string | null }> {
  await requireDocumentRole(ctx, { documentId, userId, required: "viewer" });
  const size = limit ?? ctx.config.PAGE_SIZE;
  const rows = await ctx.docs.listRevisions(documentId, { limit: size + 1, ...(beforeRev === undefined ? {} : { beforeRev }) });
  const items = rows.slice(0, size);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > size && last ? String(last.rev) : null };
}

/** GET /documents/{id}/revisions/{rev} (any role): the revision with its content. */
export async function revisionFinder({ ctx, userId, documentId, rev }: { ctx: ApiContext; userId: string; documentId: string; rev: number }): Promise<
  Revision & { content: DocumentContent }
> {
  await requireDocumentRole(ctx, { documentId, userId, required: "viewer" });
  const revision = await ctx.docs.getRevision(documentId, rev);
  if (!revision) throw revisionNotFound();
  return revision;
}
