import type { Extension, onAuthenticatePayload } from "@hocuspocus/server";
import type { AccessTokenVerifier, Logger } from "@materi/platform";
import { CloseCodes, CloseError, closeSocket } from "../collab/closeCodes.js";
import type { SocketContext } from "../collab/SocketContext.js";

/**
 * The provider's `token` is a Materi access token, verified locally against Shield's JWKS. A bad
 * or expired one answers "permission denied" and closes the socket with 4401, so the client
 * knows to sign in again rather than retry.
 */
export function authExtension(verify: AccessTokenVerifier, logger: Logger): Extension {
  return {
    extensionName: "materi-auth",
    priority: 1000,
    async onAuthenticate(data: onAuthenticatePayload<SocketContext>) {
      try {
        const claims = await verify(data.token);
        // Later hooks of this call read data.context; hocuspocus merges the returned additions
        // into the context the connection keeps (it copies the object after every hook).
        data.context.userId = claims.sub;
        return { userId: claims.sub };
      } catch (err) {
        logger.debug({ err, documentName: data.documentName }, "relay refused a token");
        closeSocket(data.context.socket, CloseCodes.unauthorized);
        throw new CloseError(CloseCodes.unauthorized, "authentication failed");
      }
    },
  };
}
