import type { ShareTarget } from "../../commands/shareCreator.js";
import { SHARE_ROLES, type ShareRole } from "@materi/contracts";
import { openapi } from "../openapi/openapiDocument.js";
import { roleBodySchema, userRoleBodySchema, uuidSchema as uuid } from "../schemaParts.js";

/** POST /documents/{id}/shares: exactly one of email or user_id, and the role to grant. */
export const ShareCreateSchema = userRoleBodySchema(SHARE_ROLES);

export type ShareCreateReq = ShareTarget & { role: ShareRole };

export const ShareLinkCreateSchema = roleBodySchema(SHARE_ROLES);

export interface ShareLinkCreateReq {
  role: ShareRole;
}

export const ShareParamsSchema = {
  type: "object",
  required: ["id", "share_id"],
  properties: { id: uuid, share_id: uuid },
} as const;

export const ShareLinkParamsSchema = {
  type: "object",
  required: ["id", "link_id"],
  properties: { id: uuid, link_id: uuid },
} as const;

/** A link token: 32 random bytes in base64url (43 characters); anything else is simply unknown. */
export const TokenParamsSchema = {
  type: "object",
  required: ["token"],
  properties: { token: { type: "string", minLength: 1, maxLength: 200 } },
} as const;

/** OpenAPI summaries and statuses of these routes (routes/openapi). */
export const ShareRouteDocs = {
  share: openapi("Share with a user (editor+, at most your role)", { 200: "Role changed", 201: "Shared", 403: "Not allowed" }),
  listShares: openapi("List direct shares (any role)"),
  unshare: openapi("Remove a share (editor+, or its user)", { 204: "Removed", 403: "Not allowed" }),
  createLink: openapi("Create a share link; the token is shown once (editor+)", { 201: "Created", 403: "Not allowed" }),
  listLinks: openapi("List live share links (editor+)", { 200: "Links", 403: "Below editor" }),
  revokeLink: openapi("Revoke a share link (editor+)", { 204: "Revoked", 403: "Below editor" }),
  previewLink: openapi("Preview a share link: title and role"),
  redeemLink: openapi("Redeem a share link: its role on the document"),
};
