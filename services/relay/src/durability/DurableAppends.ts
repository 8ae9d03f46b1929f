import type { Connection, Document } from "@hocuspocus/server";
import type { DocStore, StoredUpdate } from "@materi/docstore";
import { runWithTraceparent, SpanNames, withSpan, type Logger } from "@materi/platform";
import * as Y from "yjs";
import { appliesCleanly } from "./appliesCleanly.js";
import { CloseCodes, CloseError, closeSocket, type CloseCode } from "../collab/closeCodes.js";
import { SYNC_STEP2, type ClientFrame } from "../collab/frames.js";
import type { SocketContext } from "../collab/SocketContext.js";
import type { DocumentFollowers } from "../fanout/DocumentFollowers.js";
import type { RelayMetrics } from "../metrics/relayMetrics.js";

export interface DurableAppendsOptions {
  docs: DocStore;
  followers: DocumentFollowers;
  metrics: RelayMetrics;
  logger: Logger;
  maxDocumentBytes: number;
  /** Hears every accepted update once it is durable and about to be applied (CollaborationEvents). */
  onAccepted: (context: SocketContext, stored: StoredUpdate) => void;
}

/** What a message's append came to: stored, or nothing to store (read-only, already known, no update). */
type Outcome = StoredUpdate | null;

/**
 * Acknowledged means durable, without making a connection's updates wait for each other's commits.
 * Hocuspocus handles one connection's messages strictly in order and acknowledges each right after
 * applying it; `beforeHandleMessage` runs before that apply and is awaited. If the append started
 * only there, a busy client's updates would each wait for the previous one's commit. So the append
 * starts when the frame arrives (`begin`, from the socket's message handler, in arrival order, so
 * consecutive updates share a group commit and keep their order in the log), and
 * `beforeHandleMessage` (`settle`) only awaits that promise: apply and acknowledgement still happen
 * in order, each after its own update is durable. Frames that arrive before their connection is
 * established (during authentication) are appended in `settle`, as before.
 */
export class DurableAppends {
  /** Appends started on arrival, by the frame's bytes (the same object hocuspocus hands to `settle`). */
  private readonly started = new WeakMap<Uint8Array, Promise<Outcome>>();

  constructor(private readonly opts: DurableAppendsOptions) {}

  /** A frame arrived on the socket: if its connection is established, start its append now. */
  begin(socket: SocketContext, frame: ClientFrame, bytes: Uint8Array): void {
    if (!frame.update) return;
    const connection = socket.connections.get(frame.address);
    if (!connection) return;
    const outcome = this.store(connection.context, connection.readOnly, connection.document, frame);
    // Awaited by settle(); if the connection closes first nobody does, which must not crash the process.
    outcome.catch(() => undefined);
    this.started.set(bytes, outcome);
  }

  /** beforeHandleMessage: the message's update is durable before hocuspocus applies and acknowledges it. */
  async settle(connection: Connection<SocketContext>, frame: ClientFrame, bytes: Uint8Array): Promise<void> {
    const started = this.started.get(bytes);
    this.started.delete(bytes);
    const stored = await (started ?? this.store(connection.context, connection.readOnly, connection.document, frame));
    if (!stored) return;
    this.opts.metrics.updatesAccepted.inc();
    this.opts.onAccepted(connection.context, stored);
    // Downgraded to read-only since the frame arrived: hocuspocus will not apply it, but it is
    // durable; its announcement on the update channel applies it here like any remote update.
    if (connection.readOnly) return;
    this.opts.followers.markApplied(connection.document.name, stored.seq, stored.update.byteLength);
  }

  /** Checks the frame's update and appends it; rejects with a CloseError (and closes the socket) when refused. */
  private async store(context: SocketContext, readOnly: boolean, document: Document, frame: ClientFrame): Promise<Outcome> {
    const update = frame.update;
    if (!update) return null;
    if (frame.syncStep === SYNC_STEP2 && Y.snapshotContainsUpdate(Y.snapshot(document), update)) return null;
    if (readOnly) {
      this.opts.metrics.editsRefused.inc();
      return null;
    }
    if (!appliesCleanly(update)) throw this.refuse(context, CloseCodes.malformed, "malformed", "not a Yjs update");
    if (this.opts.followers.wouldExceed(document.name, update.byteLength, this.opts.maxDocumentBytes)) {
      throw this.refuse(context, CloseCodes.documentTooLarge, "document_too_large");
    }
    const append = async (): Promise<StoredUpdate> => {
      const started = process.hrtime.bigint();
      try {
        const stored = await this.opts.docs.append(document.name, update, `relay:${context.userId ?? "unknown"}`);
        this.opts.metrics.appendDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
        return stored;
      } catch (err) {
        // Not stored, so not applied nor acknowledged. Closing the socket makes the provider
        // reconnect and send its state again (sync step 2), unacknowledged updates included.
        this.opts.logger.warn({ err, documentId: document.name }, "relay could not store an update; closing the connection");
        throw this.refuse(context, CloseCodes.storageUnavailable, "storage_unavailable");
      }
    };
    // A traced connection (traceparent on the upgrade) gets a span per append in its trace. Others
    // do not: a root span per keystroke would cost more than it tells, and the group commit's own
    // statement is traced anyway.
    if (!context.traceparent) return append();
    return runWithTraceparent(context.traceparent, () =>
      withSpan(SpanNames.databaseQuery, { table: "docstore.updates", operation: "append", document_id: document.name }, append),
    );
  }

  private refuse(context: SocketContext, close: CloseCode, reason: string, detail?: string): CloseError {
    this.opts.metrics.closedConnections.inc({ reason });
    closeSocket(context.socket, close);
    return new CloseError(close, detail);
  }
}
