import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../../context.js";
import { apiProblem } from "../../errors.js";
import { workspaceRoleOf } from "../../store/permissionStore.js";

const PermissionQuerySchema = {
  type: "object",
  additionalProperties: false,
  required: ["user_id", "document_id"],
  properties: {
    user_id: { type: "string", format: "uuid" },
    document_id: { type: "string", format: "uuid" },
    // The relay re-checks live sessions right after a permission event, possibly before this
    // replica's cache tail has dropped the entry: `fresh=true` reads the tables.
    fresh: { type: "boolean" },
  },
} as const;

const MembershipQuerySchema = {
  type: "object",
  additionalProperties: false,
  required: ["user_id", "workspace_id"],
  properties: { user_id: { type: "string", format: "uuid" }, workspace_id: { type: "string", format: "uuid" } },
} as const;

/**
 * GET /internal/permissions (service key, enforced by the platform for /internal/*): the user's
 * effective role on a document, for relay and aria. 200 with `role: null` when the user has no
 * access (or the document is in the trash); 404 only when the document does not exist, so a
 * caller can tell "close the session" from "no such document". `fresh=true` bypasses the cache.
 */
export async function internalRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  app.get<{ Querystring: { user_id: string; document_id: string; fresh?: boolean } }>(
    "/internal/permissions",
    { schema: { querystring: PermissionQuerySchema } },
    async (request) => {
      const { user_id: userId, document_id: documentId, fresh } = request.query;
      // Dropping the document's entries (every user's) is cheap: they refill on the next ask.
      if (fresh === true) ctx.permissions.invalidateDocument(documentId);
      const permission = await ctx.permissions.get(userId, documentId);
      if (!permission) throw apiProblem("API_ERR_DOCUMENT_NOT_FOUND", "No document with this id.");
      return { user_id: userId, document_id: documentId, workspace_id: permission.workspaceId, role: permission.role };
    },
  );
  // The user's role in a workspace, for aria's requests that name no document (issue 8). `role: null`
  // when the user is not a member or the workspace does not exist: both read as "not found" upstream.
  app.get<{ Querystring: { user_id: string; workspace_id: string } }>(
    "/internal/memberships",
    { schema: { querystring: MembershipQuerySchema } },
    async (request) => {
      const { user_id: userId, workspace_id: workspaceId } = request.query;
      return { user_id: userId, workspace_id: workspaceId, role: await workspaceRoleOf(ctx.db, workspaceId, userId) };
    },
  );
}
