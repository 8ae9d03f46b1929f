import { randomUUID } from "node:crypto";
import type { Extension, onAuthenticatePayload } from "@hocuspocus/server";
import { isUuid } from "@materi/events";
import type { Logger } from "@materi/platform";
import { CloseCodes, CloseError } from "../collab/closeCodes.js";
import type { SocketContext } from "../collab/SocketContext.js";
import { PermissionsUnavailableError, type PermissionSource } from "../permissions/PermissionSource.js";
import { canEdit } from "@materi/contracts";

/**
 * A document is subscribed only once the api grants at least viewer; viewers and commenters get a
 * read-only connection (hocuspocus refuses their updates without acknowledging them).
 */
export function permissionExtension(permissions: PermissionSource, logger: Logger): Extension {
  return {
    extensionName: "materi-permissions",
    priority: 900,
    async onAuthenticate(data: onAuthenticatePayload<SocketContext>) {
      const userId = data.context.userId;
      if (!userId || !isUuid(data.documentName)) throw new CloseError(CloseCodes.forbidden, "no such document");
      let grant;
      try {
        grant = await permissions.check(userId, data.documentName.toLowerCase());
      } catch (err) {
        if (err instanceof PermissionsUnavailableError) {
          logger.warn({ err, userId, documentId: data.documentName }, "relay cannot check permissions");
          throw new CloseError(CloseCodes.unavailable);
        }
        throw err;
      }
      if (!grant || grant.role === null) throw new CloseError(CloseCodes.forbidden, "no access to this document");
      data.connectionConfig.readOnly = !canEdit(grant.role);
      // Merged by hocuspocus into the context the connection keeps (see authExtension).
      return { grant, sessionId: randomUUID() };
    },
  };
}
