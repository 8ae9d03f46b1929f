import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { atLeast, type Role } from "@materi/contracts";
import { documentAccessOf, type DocumentAccess } from "../store/permissionStore.js";

/** Access with a role: what requireDocumentRole returns. */
export type GrantedAccess = DocumentAccess & { role: Role };

export const documentNotFound = () => apiProblem("API_ERR_DOCUMENT_NOT_FOUND", "No such document, or it is not shared with you.");

/**
 * The caller's effective role on a document (strongly consistent: one query on the primary), or a
 * problem: 404 when they may not see it at all, or it is in the trash (unless `trashed` is allowed),
 * so a stranger learns nothing; 403 when they see it but their role is below `required`.
 */
export async function requireDocumentRole(
  ctx: Pick<ApiContext, "db">,
  input: { documentId: string; userId: string; required: Role; trashed?: "allow" },
): Promise<GrantedAccess> {
  const access = await documentAccessOf(ctx.db, input.documentId, input.userId);
  if (!access || access.role === null) throw documentNotFound();
  if (access.trashed && input.trashed !== "allow") throw documentNotFound();
  if (!atLeast(access.role, input.required)) {
    throw apiProblem("API_ERR_FORBIDDEN", `This needs the ${input.required} role on the document; you have ${access.role}.`);
  }
  return { ...access, role: access.role };
}
