import { principalOf, userPreHandler } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { documentCreator } from "../../commands/documentCreator.js";
import { documentFinder } from "../../commands/documentFinder.js";
import { documentLister, trashLister, type DocumentPage } from "../../commands/documentLister.js";
import { documentDeleter, documentRestorer } from "../../commands/documentTrasher.js";
import { documentUpdater } from "../../commands/documentUpdater.js";
import { etagOf } from "../../commands/documentVersion.js";
import type { ApiContext } from "../../context.js";
import { presentDocument, presentDocumentSummary } from "../../presenters/presentDocument.js";
import {
  DocumentCreateSchema,
  DocumentIdParamsSchema,
  DocumentListQuerySchema,
  DocumentRouteDocs,
  DocumentUpdateSchema,
  IfMatchHeadersSchema,
  TrashListQuerySchema,
  type DocumentCreateReq,
  type DocumentListQuery,
  type DocumentUpdateReq,
  type IdParams,
} from "./schema.js";

/**
 * Documents (issue 6). Roles: read any role; create and PATCH editor+; DELETE and restore the
 * creator (still editor+) or a workspace admin/owner; lists and trash any workspace member.
 * A document the caller may not see, or one in the trash, is a 404 on every route but restore.
 */
export async function documentRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const authed = { preHandler: userPreHandler(ctx.verify) };
  const byId = { ...authed, schema: { params: DocumentIdParamsSchema } };

  app.post<{ Body: DocumentCreateReq }>("/api/v1/documents", { ...authed, ...DocumentRouteDocs.create, schema: { body: DocumentCreateSchema } }, async (request, reply) => {
    const { workspace_id: workspaceId, title, content } = request.body;
    const found = await documentCreator({ ctx, userId: principalOf(request).sub, workspaceId, title, ...(content === undefined ? {} : { content }) });
    const { id, version } = found.row;
    return reply.code(201).header("location", `/api/v1/documents/${id}`).header("etag", etagOf(version)).send(presentDocument(found));
  });

  app.get<{ Params: IdParams }>("/api/v1/documents/:id", { ...byId, ...DocumentRouteDocs.read }, async (request, reply) => {
    const found = await documentFinder({ ctx, userId: principalOf(request).sub, documentId: request.params.id });
    return reply.header("etag", etagOf(found.row.version)).send(presentDocument(found));
  });

  app.patch<{ Params: IdParams; Body: DocumentUpdateReq; Headers: { "if-match"?: string } }>(
    "/api/v1/documents/:id",
    {
      ...authed,
      ...DocumentRouteDocs.update,
      schema: { params: DocumentIdParamsSchema, body: DocumentUpdateSchema, headers: IfMatchHeadersSchema },
    },
    async (request, reply) => {
      const { title, content, base_seq: baseSeq } = request.body;
      const ifMatch = request.headers["if-match"];
      const found = await documentUpdater({
        ctx,
        userId: principalOf(request).sub,
        documentId: request.params.id,
        ...(title === undefined ? {} : { title }),
        ...(content === undefined ? {} : { content }),
        ...(baseSeq === undefined ? {} : { baseSeq }),
        ...(ifMatch === undefined ? {} : { ifMatch }),
      });
      return reply.header("etag", etagOf(found.row.version)).send(presentDocument(found));
    },
  );

  app.delete<{ Params: IdParams }>("/api/v1/documents/:id", { ...byId, ...DocumentRouteDocs.trash }, async (request, reply) => {
    await documentDeleter({ ctx, userId: principalOf(request).sub, documentId: request.params.id });
    return reply.code(204).send();
  });

  app.post<{ Params: IdParams }>("/api/v1/documents/:id/restore", { ...byId, ...DocumentRouteDocs.restore }, async (request, reply) => {
    const found = await documentRestorer({ ctx, userId: principalOf(request).sub, documentId: request.params.id });
    return reply.header("etag", etagOf(found.row.version)).send(presentDocument(found));
  });

  app.get<{ Params: IdParams; Querystring: DocumentListQuery }>(
    "/api/v1/workspaces/:id/documents",
    { ...authed, ...DocumentRouteDocs.list, schema: { params: DocumentIdParamsSchema, querystring: DocumentListQuerySchema } },
    async (request) => {
      const { q, cursor, limit } = request.query;
      const listed = await documentLister({ ctx, userId: principalOf(request).sub, workspaceId: request.params.id, ...defined({ q, cursor, limit }) });
      return presentPage(listed);
    },
  );

  app.get<{ Params: IdParams; Querystring: Omit<DocumentListQuery, "q"> }>(
    "/api/v1/workspaces/:id/trash",
    { ...authed, ...DocumentRouteDocs.trashList, schema: { params: DocumentIdParamsSchema, querystring: TrashListQuerySchema } },
    async (request) => {
      const { cursor, limit } = request.query;
      return presentPage(await trashLister({ ctx, userId: principalOf(request).sub, workspaceId: request.params.id, ...defined({ cursor, limit }) }));
    },
  );
}

function presentPage(listed: DocumentPage) {
  return { items: listed.items.map(presentDocumentSummary), next_cursor: listed.nextCursor };
}

/** Drops undefined members (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
