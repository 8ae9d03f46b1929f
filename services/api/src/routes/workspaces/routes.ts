import { principalOf, userPreHandler } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { workspaceCreator } from "../../commands/workspaceCreator.js";
import { workspaceDeleter } from "../../commands/workspaceDeleter.js";
import { workspaceFinder, workspaceLister } from "../../commands/workspaceFinder.js";
import { workspaceUpdater } from "../../commands/workspaceUpdater.js";
import type { ApiContext } from "../../context.js";
import {
  PageQuerySchema,
  WorkspaceCreateSchema,
  WorkspaceParamsSchema,
  WorkspaceUpdateSchema,
  type PageQuery,
  type WorkspaceCreateReq,
  type WorkspaceParams,
  type WorkspaceUpdateReq,
} from "./schema.js";

/** Workspaces (issue 6): create (creator becomes owner), mine, read (member), rename (admin+), delete (owner). */
export async function workspaceRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const authed = { preHandler: userPreHandler(ctx.verify) };

  app.post<{ Body: WorkspaceCreateReq }>("/api/v1/workspaces", { ...authed, schema: { body: WorkspaceCreateSchema } }, async (request, reply) => {
    const workspace = await workspaceCreator({ ctx, actorId: principalOf(request).sub, name: request.body.name });
    return reply.code(201).header("location", `/api/v1/workspaces/${workspace.id}`).send(workspace);
  });

  app.get<{ Querystring: PageQuery }>("/api/v1/workspaces", { ...authed, schema: { querystring: PageQuerySchema } }, async (request) => {
    return workspaceLister({ ctx, actorId: principalOf(request).sub, ...request.query });
  });

  app.get<{ Params: WorkspaceParams }>("/api/v1/workspaces/:id", { ...authed, schema: { params: WorkspaceParamsSchema } }, async (request) => {
    return workspaceFinder({ ctx, actorId: principalOf(request).sub, workspaceId: request.params.id });
  });

  app.patch<{ Params: WorkspaceParams; Body: WorkspaceUpdateReq }>(
    "/api/v1/workspaces/:id",
    { ...authed, schema: { params: WorkspaceParamsSchema, body: WorkspaceUpdateSchema } },
    async (request) => workspaceUpdater({ ctx, actorId: principalOf(request).sub, workspaceId: request.params.id, name: request.body.name }),
  );

  app.delete<{ Params: WorkspaceParams }>("/api/v1/workspaces/:id", { ...authed, schema: { params: WorkspaceParamsSchema } }, async (request, reply) => {
    await workspaceDeleter({ ctx, actorId: principalOf(request).sub, workspaceId: request.params.id });
    return reply.code(204).send();
  });
}
