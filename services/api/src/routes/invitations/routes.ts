import { principalOf, userPreHandler } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { invitationLister } from "../../commands/invitationLister.js";
import { invitationRevoker } from "../../commands/invitationRevoker.js";
import type { ApiContext } from "../../context.js";
import { PageQuerySchema, WorkspaceParamsSchema, type PageQuery, type WorkspaceParams } from "../workspaces/schema.js";

const InvitationParamsSchema = {
  type: "object",
  required: ["id", "invitation_id"],
  properties: { id: { type: "string", format: "uuid" }, invitation_id: { type: "string", format: "uuid" } },
} as const;

/** Invitations (issue 6): admin+ lists the open ones and revokes; they are created through POST .../members. */
export async function invitationRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const authed = { preHandler: userPreHandler(ctx.verify) };

  app.get<{ Params: WorkspaceParams; Querystring: PageQuery }>(
    "/api/v1/workspaces/:id/invitations",
    { ...authed, schema: { params: WorkspaceParamsSchema, querystring: PageQuerySchema } },
    async (request) => invitationLister({ ctx, actorId: principalOf(request).sub, workspaceId: request.params.id, ...request.query }),
  );

  app.delete<{ Params: { id: string; invitation_id: string } }>(
    "/api/v1/workspaces/:id/invitations/:invitation_id",
    { ...authed, schema: { params: InvitationParamsSchema } },
    async (request, reply) => {
      const { id: workspaceId, invitation_id: invitationId } = request.params;
      await invitationRevoker({ ctx, actorId: principalOf(request).sub, workspaceId, invitationId });
      return reply.code(204).send();
    },
  );
}
