import type { Document, Extension, onAwarenessUpdatePayload } from "@hocuspocus/server";
import type { Logger } from "@materi/platform";
import { Redis } from "ioredis";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness";

export interface AwarenessBridgeOptions {
  redisUrl: string;
  /** Key prefix, e.g. "materi:relay"; the channel is `<prefix>:awareness:<documentId>`. */
  prefix: string;
  instanceId: string;
  logger: Logger;
}

/** Awareness heard from another instance: hocuspocus broadcasts it locally, the bridge does not echo it. */
const BRIDGE_ORIGIN = Object.freeze({ source: "redis" as const });

/**
 * Cursors and presence across instances: each loaded document's awareness changes go out on a
 * Redis pub/sub channel and come in from the other instances. Awareness is ephemeral state that
 * clients renew every 15 s (and peers drop after 30 s), so at-most-once delivery is enough: a
 * lost message is repaired by the next renewal, a dead instance's peers time out.
 */
export function awarenessBridge(opts: AwarenessBridgeOptions): Extension & { close(): Promise<void> } {
  const pub = new Redis(opts.redisUrl, { connectionName: "materi-relay-awareness-pub", maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const sub = new Redis(opts.redisUrl, { connectionName: "materi-relay-awareness-sub", maxRetriesPerRequest: null });
  pub.on("error", () => undefined);
  sub.on("error", () => undefined);
  const documents = new Map<string, Document>();
  const channelOf = (documentId: string): string => `${opts.prefix}:awareness:${documentId}`;
  const documentOf = (channel: string): string => channel.slice(`${opts.prefix}:awareness:`.length);

  sub.on("messageBuffer", (channel: Buffer, message: Buffer) => {
    const document = documents.get(documentOf(channel.toString()));
    if (!document) return;
    try {
      const decoder = decoding.createDecoder(new Uint8Array(message));
      if (decoding.readVarString(decoder) === opts.instanceId) return;
      applyAwarenessUpdate(document.awareness, decoding.readVarUint8Array(decoder), BRIDGE_ORIGIN);
    } catch (err) {
      opts.logger.debug({ err }, "relay ignored an unreadable awareness message");
    }
  });

  return {
    extensionName: "materi-awareness-bridge",
    priority: 200,
    async afterLoadDocument({ document, documentName }) {
      documents.set(documentName, document);
      await sub.subscribe(channelOf(documentName)).catch((err: unknown) => opts.logger.warn({ err, documentId: documentName }, "relay awareness not subscribed"));
    },
    async afterUnloadDocument({ documentName }) {
      documents.delete(documentName);
      await sub.unsubscribe(channelOf(documentName)).catch(() => undefined);
    },
    async onAwarenessUpdate(data: onAwarenessUpdatePayload) {
      if (data.transactionOrigin === BRIDGE_ORIGIN) return;
      const changed = [...data.added, ...data.updated, ...data.removed];
      if (changed.length === 0) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarString(encoder, opts.instanceId);
      encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(data.awareness, changed));
      await pub.publish(channelOf(data.documentName), Buffer.from(encoding.toUint8Array(encoder))).catch(() => undefined);
    },
    async close() {
      documents.clear();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
