import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ApiContext } from "../context.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import type { ShareRole } from "@materi/contracts";
import { lockDocument } from "../store/documentStore.js";
import { insertShareLink, type ShareLinkRow } from "../store/shareLinkStore.js";
import { documentNotFound, requireDocumentRole } from "./documentAccess.js";
import { requireGrantable } from "./shareCreator.js";

/** SHA-256 of a link token: the only form stored, so a database leak hands out no access. */
export function hashLinkToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/**
 * POST /documents/{id}/share-links: an editor (or above) makes a link granting `role` (at most their
 * own) to whoever redeems it. The token (256 random bits) is returned once, never stored or logged.
 */
export async function shareLinkCreator({ ctx, userId, documentId, role }: { ctx: ApiContext; userId: string; documentId: string; role: ShareRole }): Promise<{
  link: ShareLinkRow;
  token: string;
  url: string;
}> {
  const access = await requireDocumentRole(ctx, { documentId, userId, required: "editor" });
  requireGrantable(access.role, role);
  const token = randomBytes(32).toString("base64url");
  const link = await ctx.db.transaction(async (tx) => {
    const row = await lockDocument(tx, documentId);
    if (!row || row.trashed_at) throw documentNotFound();
    const inserted = await insertShareLink(tx, { id: randomUUID(), documentId, tokenHash: hashLinkToken(token), role, createdBy: userId });
    await enqueueDocumentEvent(ctx, tx, { documentId, workspaceId: row.workspace_id, userId, action: "shared", content: { link_id: inserted.id, role } });
    return inserted;
  });
  return { link, token, url: `${ctx.config.PUBLIC_URL.replace(/\/+$/, "")}/share/${token}` };
}
