import { principalOf, userPreHandler } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { revisionFinder, revisionLister } from "../../commands/revisionLister.js";
import { revisionRestorer } from "../../commands/revisionRestorer.js";
import { revisionSaver } from "../../commands/revisionSaver.js";
import { etagOf } from "../../commands/documentVersion.js";
import type { ApiContext } from "../../context.js";
import { presentContent, presentDocument, presentRevision } from "../../presenters/presentDocument.js";
import { DocumentIdParamsSchema, type IdParams } from "../documents/schema.js";
import { RevisionListQuerySchema, RevisionParamsSchema, RevisionRouteDocs, type RevisionParams } from "./schema.js";

/** History (issue 6): list and read any role; explicit save and restore editor+. */
export async function revisionRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const authed = { preHandler: userPreHandler(ctx.verify) };

  app.get<{ Params: IdParams; Querystring: { cursor?: string; limit?: number } }>(
    "/api/v1/documents/:id/revisions",
    { ...authed, ...RevisionRouteDocs.list, schema: { params: DocumentIdParamsSchema, querystring: RevisionListQuerySchema } },
    async (request) => {
      const { cursor, limit } = request.query;
      const page = await revisionLister({
        ctx,
        userId: principalOf(request).sub,
        documentId: request.params.id,
        ...(cursor === undefined ? {} : { beforeRev: Number(cursor) }),
        ...(limit === undefined ? {} : { limit }),
      });
      return { items: page.items.map(presentRevision), next_cursor: page.nextCursor };
    },
  );

  app.post<{ Params: IdParams }>("/api/v1/documents/:id/revisions", { ...authed, ...RevisionRouteDocs.save, schema: { params: DocumentIdParamsSchema } }, async (request, reply) => {
    const revision = await revisionSaver({ ctx, userId: principalOf(request).sub, documentId: request.params.id });
    return reply.code(201).header("location", `/api/v1/documents/${request.params.id}/revisions/${revision.rev}`).send(presentRevision(revision));
  });

  app.get<{ Params: RevisionParams }>("/api/v1/documents/:id/revisions/:rev", { ...authed, ...RevisionRouteDocs.read, schema: { params: RevisionParamsSchema } }, async (request) => {
    const revision = await revisionFinder({ ctx, userId: principalOf(request).sub, documentId: request.params.id, rev: request.params.rev });
    return { ...presentRevision(revision), content: presentContent(revision.content) };
  });

  app.post<{ Params: RevisionParams }>(
    "/api/v1/documents/:id/revisions/:rev/restore",
    { ...authed, ...RevisionRouteDocs.restore, schema: { params: RevisionParamsSchema } },
    async (request, reply) => {
      const found = await revisionRestorer({ ctx, userId: principalOf(request).sub, documentId: request.params.id, rev: request.params.rev });
      return reply.header("etag", etagOf(found.row.version)).send(presentDocument(found));
    },
  );
}
