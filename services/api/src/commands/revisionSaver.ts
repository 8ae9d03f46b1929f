import type { Revision } from "@materi/docstore";
import type { ApiContext } from "../context.js";
import { requireDocumentRole } from "./documentAccess.js";

/** POST /documents/{id}/revisions (editor and above): keeps the current state as a revision. */
export async function revisionSaver({ ctx, userId, documentId }: { ctx: ApiContext; userId: string; documentId: string }): Promise<Revision> {
  await requireDocumentRole(ctx, { documentId, userId, required: "editor" });
  return ctx.docs.saveRevision(documentId, "save", userId);
}
