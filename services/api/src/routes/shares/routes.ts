import { principalOf, userPreHandler } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { shareCreator } from "../../commands/shareCreator.js";
import { shareLinkCreator } from "../../commands/shareLinkCreator.js";
import { shareLinkLister, shareLinkRevoker } from "../../commands/shareLinkRevoker.js";
import { shareLinkPreviewer, shareLinkRedeemer } from "../../commands/shareLinkRedeemer.js";
import { shareLister, shareRemover } from "../../commands/shareRemover.js";
import type { ApiContext } from "../../context.js";
import { presentShare, presentShareLink } from "../../presenters/presentShare.js";
import { DocumentIdParamsSchema, type IdParams } from "../documents/schema.js";
import {
  ShareCreateSchema,
  ShareLinkCreateSchema,
  ShareLinkParamsSchema,
  ShareRouteDocs,
  ShareParamsSchema,
  TokenParamsSchema,
  type ShareCreateReq,
  type ShareLinkCreateReq,
} from "./schema.js";

/**
 * Shares and share links (issue 6). Granting (shares and links) needs editor+ on the document and
 * never exceeds the granter's role; listing shares any role; listing and revoking links editor+;
 * removing a share editor+, or the user it was shared with. Link preview and redeem: any signed-in user.
 */
export async function shareRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const authed = { preHandler: userPreHandler(ctx.verify) };

  app.post<{ Params: IdParams; Body: ShareCreateReq }>(
    "/api/v1/documents/:id/shares",
    { ...authed, ...ShareRouteDocs.share, schema: { params: DocumentIdParamsSchema, body: ShareCreateSchema } },
    async (request, reply) => {
      const { role, ...target } = request.body;
      const { share, created, user } = await shareCreator({ ctx, userId: principalOf(request).sub, documentId: request.params.id, target, role });
      return reply.code(created ? 201 : 200).send(presentShare(share, user));
    },
  );

  app.get<{ Params: IdParams }>("/api/v1/documents/:id/shares", { ...authed, ...ShareRouteDocs.listShares, schema: { params: DocumentIdParamsSchema } }, async (request) => {
    const { shares, users } = await shareLister({ ctx, userId: principalOf(request).sub, documentId: request.params.id });
    return { items: shares.map((share) => presentShare(share, users.get(share.user_id))) };
  });

  app.delete<{ Params: { id: string; share_id: string } }>(
    "/api/v1/documents/:id/shares/:share_id",
    { ...authed, ...ShareRouteDocs.unshare, schema: { params: ShareParamsSchema } },
    async (request, reply) => {
      await shareRemover({ ctx, userId: principalOf(request).sub, documentId: request.params.id, shareId: request.params.share_id });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: ShareLinkCreateReq }>(
    "/api/v1/documents/:id/share-links",
    { ...authed, ...ShareRouteDocs.createLink, schema: { params: DocumentIdParamsSchema, body: ShareLinkCreateSchema } },
    async (request, reply) => {
      const { link, token, url } = await shareLinkCreator({ ctx, userId: principalOf(request).sub, documentId: request.params.id, role: request.body.role });
      // The token is in this response only; it is never stored or shown again.
      return reply.code(201).header("cache-control", "no-store").send({ ...presentShareLink(link), token, url });
    },
  );

  app.get<{ Params: IdParams }>("/api/v1/documents/:id/share-links", { ...authed, ...ShareRouteDocs.listLinks, schema: { params: DocumentIdParamsSchema } }, async (request) => {
    const links = await shareLinkLister({ ctx, userId: principalOf(request).sub, documentId: request.params.id });
    return { items: links.map(presentShareLink) };
  });

  app.delete<{ Params: { id: string; link_id: string } }>(
    "/api/v1/documents/:id/share-links/:link_id",
    { ...authed, ...ShareRouteDocs.revokeLink, schema: { params: ShareLinkParamsSchema } },
    async (request, reply) => {
      await shareLinkRevoker({ ctx, userId: principalOf(request).sub, documentId: request.params.id, linkId: request.params.link_id });
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { token: string } }>("/api/v1/share-links/:token", { ...authed, ...ShareRouteDocs.previewLink, schema: { params: TokenParamsSchema } }, async (request) => {
    const preview = await shareLinkPreviewer({ ctx, token: request.params.token });
    return { document_id: preview.documentId, title: preview.title, role: preview.role };
  });

  app.post<{ Params: { token: string } }>("/api/v1/share-links/:token/redeem", { ...authed, ...ShareRouteDocs.redeemLink, schema: { params: TokenParamsSchema } }, async (request) => {
    const redeemed = await shareLinkRedeemer({ ctx, userId: principalOf(request).sub, token: request.params.token });
    return { document_id: redeemed.documentId, role: redeemed.role };
  });
}
