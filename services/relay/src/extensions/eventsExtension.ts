import type { Extension, onAwarenessUpdatePayload, onDisconnectPayload } from "@hocuspocus/server";
import { encodeAwarenessUpdate } from "y-protocols/awareness";
import type { SocketContext } from "../collab/SocketContext.js";
import type { CollaborationEvents } from "../events/collaborationEvents.js";
import type { DocumentFollowers } from "../fanout/DocumentFollowers.js";

/** Sampled cursor/presence CollaborationEvents from clients' awareness (edits come from durability). */
export function eventsExtension(events: CollaborationEvents, followers: DocumentFollowers): Extension {
  return {
    extensionName: "materi-events",
    priority: 300,
    async onAwarenessUpdate(data: onAwarenessUpdatePayload<SocketContext>) {
      const context = data.connection?.context;
      if (!context) return;
      const changed = [...data.added, ...data.updated];
      if (changed.length === 0) return;
      const hasCursor = changed.some((id) => {
        const state = data.awareness.getStates().get(id) as Record<string, unknown> | undefined;
        return state !== undefined && state["cursor"] != null;
      });
      const bytes = encodeAwarenessUpdate(data.awareness, changed);
      events.presence(context, data.documentName, hasCursor ? "cursor" : "presence", bytes, followers.headOf(data.documentName) ?? 0);
    },
    async onDisconnect(data: onDisconnectPayload<SocketContext>) {
      if (data.context.sessionId) events.forget(data.context.sessionId);
    },
  };
}
