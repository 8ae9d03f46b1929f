import type { afterUnloadDocumentPayload, beforeHandleMessagePayload, connectedPayload, Extension, onLoadDocumentPayload } from "@hocuspocus/server";
import { CloseCodes, CloseError, closeSocket } from "../collab/closeCodes.js";
import { readFrame } from "../collab/frames.js";
import type { SocketContext } from "../collab/SocketContext.js";
import type { DurableAppends } from "../durability/DurableAppends.js";
import type { DocumentFollowers } from "../fanout/DocumentFollowers.js";
import type { RelayMetrics } from "../metrics/relayMetrics.js";

/**
 * Acknowledged means durable: every update is appended to the docstore log before hocuspocus
 * applies and acknowledges it (DurableAppends; `beforeHandleMessage` is awaited before the apply).
 * A failed append fails the message: the connection closes unacknowledged and the provider resends
 * on reconnect. Documents load from the docstore (snapshot plus log) and follow its update channel
 * (DocumentFollowers). Established connections are registered on their socket so that frames can
 * start their append on arrival.
 */
export function durabilityExtension(opts: { appends: DurableAppends; followers: DocumentFollowers; metrics: RelayMetrics }): Extension {
  return {
    extensionName: "materi-durability",
    priority: 500,
    async onLoadDocument(data: onLoadDocumentPayload<SocketContext>) {
      await opts.followers.follow(data.document);
    },
    async afterUnloadDocument(data: afterUnloadDocumentPayload) {
      await opts.followers.unfollow(data.documentName);
    },
    async connected({ connection, context }: connectedPayload<SocketContext>) {
      const address = connection.messageAddress;
      context.connections.set(address, connection);
      connection.onClose(() => {
        if (context.connections.get(address) === connection) context.connections.delete(address);
      });
    },
    async beforeHandleMessage(data: beforeHandleMessagePayload<SocketContext>) {
      let frame;
      try {
        frame = readFrame(data.update);
      } catch {
        opts.metrics.closedConnections.inc({ reason: "malformed" });
        closeSocket(data.context.socket, CloseCodes.malformed);
        throw new CloseError(CloseCodes.malformed, "unreadable frame");
      }
      await opts.appends.settle(data.connection, frame, data.update);
    },
  };
}
