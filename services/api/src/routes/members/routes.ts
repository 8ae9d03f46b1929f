import { principalOf, userPreHandler } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { memberAdder } from "../../commands/memberAdder.js";
import { memberLister } from "../../commands/memberLister.js";
import { memberRemover } from "../../commands/memberRemover.js";
import { memberUpdater } from "../../commands/memberUpdater.js";
import type { ApiContext } from "../../context.js";
import { PageQuerySchema, WorkspaceParamsSchema, type PageQuery, type WorkspaceParams } from "../workspaces/schema.js";
import { MemberAddSchema, MemberParamsSchema, MemberUpdateSchema, type MemberAddReq, type MemberParams, type MemberUpdateReq } from "./schema.js";

/**
 * Members (issue 6): any member lists; admin+ adds, changes and removes within the grant rules
 * (commands/memberRules.ts); anyone may leave. An unknown email becomes an invitation (202).
 */
export async function memberRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const authed = { preHandler: userPreHandler(ctx.verify) };
  const base = "/api/v1/workspaces/:id/members";

  app.get<{ Params: WorkspaceParams; Querystring: PageQuery }>(
    base,
    { ...authed, schema: { params: WorkspaceParamsSchema, querystring: PageQuerySchema } },
    async (request) => memberLister({ ctx, actorId: principalOf(request).sub, workspaceId: request.params.id, ...request.query }),
  );

  app.post<{ Params: WorkspaceParams; Body: MemberAddReq }>(
    base,
    { ...authed, schema: { params: WorkspaceParamsSchema, body: MemberAddSchema } },
    async (request, reply) => {
      const { email, user_id: userId, role } = request.body;
      const workspaceId = request.params.id;
      const added = await memberAdder({ ctx, actorId: principalOf(request).sub, workspaceId, role, ...(email !== undefined ? { email } : {}), ...(userId !== undefined ? { userId } : {}) });
      if (added.kind === "invitation") return reply.code(202).send({ invitation: added.invitation });
      return reply.code(201).header("location", `/api/v1/workspaces/${workspaceId}/members/${added.member.user_id}`).send(added.member);
    },
  );

  app.patch<{ Params: MemberParams; Body: MemberUpdateReq }>(
    `${base}/:user_id`,
    { ...authed, schema: { params: MemberParamsSchema, body: MemberUpdateSchema } },
    async (request) => {
      const { id: workspaceId, user_id: userId } = request.params;
      return memberUpdater({ ctx, actorId: principalOf(request).sub, workspaceId, userId, role: request.body.role });
    },
  );

  app.delete<{ Params: MemberParams }>(`${base}/:user_id`, { ...authed, schema: { params: MemberParamsSchema } }, async (request, reply) => {
    await memberRemover({ ctx, actorId: principalOf(request).sub, workspaceId: request.params.id, userId: request.params.user_id });
    return reply.code(204).send();
  });
}
