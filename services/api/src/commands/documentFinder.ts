import type { DocumentContent } from "@materi/docstore";
import type { ApiContext } from "../context.js";
import type { Role } from "@materi/contracts";
import { findDocument, type DocumentRow } from "../store/documentStore.js";
import { documentNotFound, requireDocumentRole } from "./documentAccess.js";

export interface FoundDocument {
  row: DocumentRow;
  role: Role;
  content: DocumentContent;
}

/** GET /documents/{id}: any role on the document reads it, metadata and content. */
export async function documentFinder({ ctx, userId, documentId }: { ctx: ApiContext; userId: string; documentId: string }): Promise<FoundDocument> {
  // The three reads are independent, so they run together (the SLA is latency); nothing read is
  // answered unless the access check passes, and Promise.all rejects with its problem if not.
  const [{ role }, row, content] = await Promise.all([
    requireDocumentRole(ctx, { documentId, userId, required: "viewer" }),
    findDocument(ctx.db, documentId),
    ctx.docs.readContent(documentId),
  ]);
  if (!row) throw documentNotFound();
  return { row, role, content };
}

/** The metadata row and the current content of a document the caller may see as `role`. */
export async function loadDocument(ctx: ApiContext, documentId: string, role: Role): Promise<FoundDocument> {
  const [row, content] = await Promise.all([findDocument(ctx.db, documentId), ctx.docs.readContent(documentId)]);
  if (!row) throw documentNotFound();
  return { row, role, content };
}
