import type { connectedPayload, Extension, onDisconnectPayload } from "@hocuspocus/server";
import type { LiveConnections } from "../collab/LiveConnections.js";
import type { SocketContext } from "../collab/SocketContext.js";
import type { RelayMetrics } from "../metrics/relayMetrics.js";
import type { SessionRegistry } from "../sessions/SessionRegistry.js";

/** Registers each document connection as a session (Redis with a TTL) and tracks it locally. */
export function sessionExtension(deps: { sessions: SessionRegistry; live: LiveConnections; metrics: RelayMetrics; instanceId: string }): Extension {
  return {
    extensionName: "materi-sessions",
    priority: 400,
    async connected(data: connectedPayload<SocketContext>) {
      const { sessionId, userId } = data.context;
      if (!sessionId || !userId) return;
      deps.live.add(sessionId, { connection: data.connection, context: data.context, documentId: data.documentName });
      deps.metrics.connections.set(deps.live.size);
      await deps.sessions.add({
        sessionId,
        documentId: data.documentName,
        userId,
        instanceId: deps.instanceId,
        scope: data.connection.readOnly ? "readonly" : "read-write",
        connectedAt: new Date().toISOString(),
      });
    },
    async onDisconnect(data: onDisconnectPayload<SocketContext>) {
      const { sessionId } = data.context;
      if (!sessionId) return;
      deps.live.remove(sessionId);
      deps.metrics.connections.set(deps.live.size);
      await deps.sessions.remove(sessionId);
    },
  };
}
