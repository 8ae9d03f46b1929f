import {
  decodeEnvelope,
  fieldText,
  streamName,
  tailStream,
  type EventTransport,
  type PayloadDecoderSource,
  type StreamEntry,
} from "@materi/events";
import type { Logger } from "@materi/platform";
import { CloseCodes, closeSocket } from "../collab/closeCodes.js";
import type { LiveConnection, LiveConnections } from "../collab/LiveConnections.js";
import type { RelayMetrics } from "../metrics/relayMetrics.js";
import { type PermissionSource } from "./PermissionSource.js";
import { canEdit } from "@materi/contracts";

export interface PermissionWatcherOptions {
  transport: EventTransport;
  decoders: PayloadDecoderSource;
  permissions: PermissionSource;
  live: LiveConnections;
  metrics: RelayMetrics;
  logger: Logger;
  pollMs: number;
}

/** Which live connections an event concerns, and whether to re-check them or close them outright. */
interface Affected {
  match: (live: LiveConnection) => boolean;
  action: "recheck" | "close";
}

/**
 * Permission changes reach live sessions: membership, share and document events on the documents
 * stream and user.deleted on the users stream make the affected connections be re-checked against
 * the api (`fresh`), then downgraded to read-only or closed (4403). Every instance must see every
 * event, so each reads the streams as a plain tail from "now" (no consumer group): a missed event
 * costs nothing durable, the next connect is checked anyway.
 */
export function startPermissionWatcher(opts: PermissionWatcherOptions): { stop(): Promise<void> } {
  const stopping = new AbortController();
  const loops = (["documents", "users"] as const).map((domain) => follow(streamName(domain), opts, stopping.signal));
  return {
    stop: async () => {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

function follow(stream: string, opts: PermissionWatcherOptions, signal: AbortSignal): Promise<void> {
  return tailStream({
    transport: opts.transport,
    stream,
    logger: opts.logger,
    signal,
    pollMs: opts.pollMs,
    batchSize: 200,
    onEntry: async (entry) => {
      const affected = await affectedBy(entry, opts.decoders);
      if (!affected) return;
      const connections = opts.live.where(affected.match);
      if (affected.action === "close") connections.forEach((live) => revoke(live, opts));
      else await recheck(connections, opts);
    },
  });
}

async function affectedBy(entry: StreamEntry, decoders: PayloadDecoderSource): Promise<Affected | null> {
  const eventType = fieldText(entry, "event_type") ?? "";
  const relevant = eventType === "user.deleted" || eventType.startsWith("workspace.member_") || eventType.startsWith("document.");
  const envelope = entry.fields["envelope"];
  if (!relevant || !envelope || eventType === "document.created" || eventType === "document.updated") return null;
  const { payload } = await decodeEnvelope(envelope, decoders);
  const text = (name: string): string => {
    const value = (payload as unknown as Record<string, unknown>)[name];
    return typeof value === "string" ? value : "";
  };
  // A deleted user is gone whatever the api's tables say yet: no re-check.
  if (eventType === "user.deleted") return { match: (live) => live.context.userId === text("userId"), action: "close" };
  if (eventType.startsWith("workspace.")) {
    const workspaceId = text("workspaceId");
    const userId = text("userId");
    return { match: (live) => live.context.grant?.workspaceId === workspaceId && (userId === "" || live.context.userId === userId), action: "recheck" };
  }
  const documentId = text("documentId");
  return { match: (live) => live.documentId === documentId, action: "recheck" };
}

async function recheck(affected: readonly LiveConnection[], opts: PermissionWatcherOptions): Promise<void> {
  await Promise.all(
    affected.map(async (live) => {
      const userId = live.context.userId;
      if (!userId) return;
      try {
        const grant = await opts.permissions.check(userId, live.documentId, { fresh: true });
        if (!grant || grant.role === null) {
          revoke(live, opts);
          return;
        }
        live.context.grant = grant;
        live.connection.readOnly = !canEdit(grant.role);
      } catch (err) {
        opts.logger.warn({ err, userId, documentId: live.documentId }, "relay could not re-check a session; keeping it as it is");
      }
    }),
  );
}

function revoke(live: LiveConnection, opts: PermissionWatcherOptions): void {
  opts.metrics.closedConnections.inc({ reason: "permission_revoked" });
  live.connection.close({ code: CloseCodes.forbidden.code, reason: CloseCodes.forbidden.reason });
  closeSocket(live.context.socket, CloseCodes.forbidden);
}
