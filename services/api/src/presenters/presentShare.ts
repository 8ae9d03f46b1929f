import type { ShareLinkRow } from "../store/shareLinkStore.js";
import type { ShareRow } from "../store/shareStore.js";
import type { DirectoryUser } from "../store/userDirectoryStore.js";

/** A direct share, with the user's email and name when the directory knows them. */
export function presentShare(share: ShareRow, user: DirectoryUser | undefined) {
  return {
    id: share.id,
    document_id: share.document_id,
    user_id: share.user_id,
    email: user?.email ?? null,
    name: user?.name ?? null,
    role: share.role,
    granted_by: share.granted_by,
    created_at: share.created_at.toISOString(),
  };
}

/** A share link as listed: never its token (only its hash is stored). */
export function presentShareLink(link: ShareLinkRow & { redeemed?: number }) {
  return {
    id: link.id,
    document_id: link.document_id,
    role: link.role,
    created_by: link.created_by,
    created_at: link.created_at.toISOString(),
    ...(link.redeemed === undefined ? {} : { redeemed: link.redeemed }),
  };
}
