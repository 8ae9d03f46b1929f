import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../../context.js";
import { apiProblem } from "../../errors.js";

const PermissionQuerySchema = {
  type: "object",
  additionalProperties: false,
  required: ["user_id", "document_id"],
  properties: { user_id: { type: "string", format: "uuid" }, document_id: { type: "string", format: "uuid" } },
} as const;

/**
 * GET /internal/permissions (service key, enforced by the platform for /internal/*): the user's
 * effective role on a document, for relay and aria. 200 with `role: null` when the user has no
 * access (or the document is in the trash); 404 only when the document does not exist, so a
 * caller can tell "close the session" from "no such document".
 */
export async function internalRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  app.get<{ Querystring: { user_id: string; document_id: string } }>(
    "/internal/permissions",
    { schema: { querystring: PermissionQuerySchema } },
    async (request) => {
      const { user_id: userId, document_id: documentId } = request.query;
      const permission = await ctx.permissions.get(userId, documentId);
      if (!permission) throw apiProblem("API_ERR_DOCUMENT_NOT_FOUND", "No document with this id.");
      return { user_id: userId, document_id: documentId, workspace_id: permission.workspaceId, role: permission.role };
    },
  );
}
