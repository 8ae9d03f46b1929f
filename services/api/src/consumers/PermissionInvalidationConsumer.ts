import {
  catalogDecoders,
  decodeEnvelope,
  fieldText,
  streamName,
  tailStream,
  type EventTransport,
  type PayloadDecoderSource,
  type RunningConsumer,
  type StreamDomain,
  type StreamEntry,
  type Subscription,
} from "@materi/events";
import type { Logger } from "@materi/platform";
import type { PermissionCache } from "../permissions/PermissionCache.js";

/** Options of the invalidation tail; tests shorten the interval. */
export interface PermissionInvalidationOptions {
  transport: EventTransport;
  permissions: PermissionCache;
  logger: Logger;
  /** Decodes payloads of any registered schema version. Default: the compiled-in catalog. */
  decoders?: PayloadDecoderSource;
  /** Stream key prefix. Default "materi". */
  streamPrefix?: string;
  /** How often each stream is read for new entries, in ms. Default 200. */
  pollMs?: number;
  /** Entries per read. Default 500. */
  batchSize?: number;
  /** How far back the first read starts, in ms, to cover clock skew with Redis. Default 5000. */
  lookbackMs?: number;
}

const STREAMS: readonly StreamDomain[] = ["documents", "users"];

/**
 * Drops cache entries when permissions change anywhere (issue 6): membership events and
 * document.* (shared, unshared, deleted, restored...) on the documents stream, user.deleted on
 * the users stream.
 *
 * Every api replica holds its own cache, so every replica must see every event; a consumer group
 * shared by the replicas would hand each event to one of them. So this reads the streams as a
 * plain tail (XRANGE after the last id seen), with no consumer group at all: no server-side state
 * per replica, nothing to delete on stop or after a crash, no pending entries holding back
 * retention trimming, and the same code on the in-process transport. Missing an entry costs only
 * staleness, bounded by PERMISSION_CACHE_MS; an invalidation is idempotent, so re-reading is free.
 * The replica that made a change also invalidates directly after its commit, so its own answers
 * change at once; the tail covers the others within `pollMs`.
 */
export class PermissionInvalidationConsumer {
  static readonly applicablePrefixes = ["workspace.member_", "document."] as const;

  static start(opts: PermissionInvalidationOptions): Subscription {
    const stopping = new AbortController();
    const consumers: RunningConsumer[] = STREAMS.map((domain) => {
      const stream = streamName(domain, opts.streamPrefix);
      const done = tail(opts, stream, stopping.signal);
      return { name: `tail:${stream}`, done, stop: () => (stopping.abort(), done) };
    });
    let stopped: Promise<void> | undefined;
    return {
      streams: STREAMS.map((domain) => streamName(domain, opts.streamPrefix)),
      group: "(none: per-replica tail)",
      consumers,
      stop() {
        stopping.abort();
        stopped ??= Promise.all(consumers.map((c) => c.done)).then(() => undefined);
        return stopped;
      },
    };
  }

  /** The cache entries one decoded event makes stale. */
  static async perform(permissions: PermissionCache, entry: StreamEntry, decoders: PayloadDecoderSource): Promise<void> {
    const eventType = fieldText(entry, "event_type") ?? "";
    const relevant = eventType === "user.deleted" || PermissionInvalidationConsumer.applicablePrefixes.some((p) => eventType.startsWith(p));
    const envelope = entry.fields["envelope"];
    if (!relevant || !envelope) return;
    const { payload } = await decodeEnvelope(envelope, decoders);
    const field = (name: string): string | undefined => {
      const value = (payload as unknown as Record<string, unknown>)[name];
      return typeof value === "string" && value !== "" ? value : undefined;
    };
    const [userId, workspaceId, documentId] = [field("userId"), field("workspaceId"), field("documentId")];
    if (eventType === "user.deleted") {
      if (userId) permissions.invalidateUser(userId);
    } else if (eventType.startsWith("workspace.")) {
      if (workspaceId) permissions.invalidateWorkspace(workspaceId);
    } else if (documentId) {
      permissions.invalidateDocument(documentId);
    }
  }
}

/** Reads `stream` from a little before now until stopped; a failing read or entry is logged, never fatal. */
function tail(opts: PermissionInvalidationOptions, stream: string, signal: AbortSignal): Promise<void> {
  const decoders = opts.decoders ?? catalogDecoders;
  return tailStream({
    transport: opts.transport,
    stream,
    logger: opts.logger,
    signal,
    lookbackMs: opts.lookbackMs ?? 5_000,
    ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
    ...(opts.batchSize === undefined ? {} : { batchSize: opts.batchSize }),
    onEntry: (entry) => PermissionInvalidationConsumer.perform(opts.permissions, entry, decoders),
  });
}
