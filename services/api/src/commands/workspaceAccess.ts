import type { Queryable } from "@materi/platform";
import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { atLeast, type Role } from "@materi/contracts";
import { workspaceRoleOf } from "../store/permissionStore.js";
import { decodeCursor, type Keyset } from "../store/workspaceStore.js";

/**
 * The caller's role in the workspace, when it is at least `required`. A non-member (or a
 * workspace that does not exist) gets 404, never a hint that it exists; a member below the
 * required role gets 403 (ARCHITECTURE.md, Security).
 */
export async function requireWorkspaceRole(db: Queryable, workspaceId: string, userId: string, required: Role): Promise<Role> {
  const role = await workspaceRoleOf(db, workspaceId, userId);
  if (role === null) throw workspaceNotFound();
  if (!atLeast(role, required)) throw apiProblem("API_ERR_FORBIDDEN", `This needs the ${required} role or higher in the workspace; yours is ${role}.`);
  return role;
}

export function workspaceNotFound(): Error {
  return apiProblem("API_ERR_WORKSPACE_NOT_FOUND", "No workspace with this id, or you are not a member of it.");
}

/** `?cursor=&limit=` of a list endpoint: an unreadable cursor is a 422, a missing limit is PAGE_SIZE. */
export function pageOf(ctx: Pick<ApiContext, "config">, query: { cursor?: string | undefined; limit?: number | undefined }): { after: Keyset | null; limit: number } {
  const limit = query.limit ?? ctx.config.PAGE_SIZE;
  if (query.cursor === undefined || query.cursor === "") return { after: null, limit };
  const after = decodeCursor(query.cursor);
  if (!after) throw apiProblem("API_ERR_INVALID_CONTENT", "The cursor cannot be read: pass next_cursor of the previous page as it was.");
  return { after, limit };
}
