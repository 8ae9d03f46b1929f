import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import WebSocket from "ws";
import * as Y from "yjs";
import type { BenchClient } from "./benchClient.js";
import { now, type KeystrokeLog } from "./keystrokeLog.js";
import type { ClientSpec } from "./protocol.js";
import { Typist } from "./typist.js";

/**
 * An unmodified @hocuspocus/provider on its own WebSocket (one browser tab), the client of the
 * Materi relay and of bare Hocuspocus. Acknowledgement: the provider counts an update as unsynced
 * until the server's SyncStatus for it arrives, one per update and in order, so each decrement of
 * `unsyncedChanges` acknowledges the oldest update still waiting.
 */
export function connectHocuspocusClient(url: string, spec: ClientSpec, log: KeystrokeLog): BenchClient {
  const doc = new Y.Doc();
  const typist = new Typist(doc, log);
  const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket });
  const provider = new HocuspocusProvider({ name: spec.document, document: doc, token: spec.token ?? "", websocketProvider: socket });
  // Time each unacknowledged update was typed, oldest first; NaN for the paragraph (not a keystroke).
  const waiting: number[] = [];
  let counted = 0;
  let connected = false;
  let closing = false;

  provider.on("unsyncedChanges", ({ number }: { number: number }) => {
    const at = now();
    for (; counted > number && waiting.length > 0; counted--) {
      const typedAt = waiting.shift()!;
      if (!Number.isNaN(typedAt)) log.acks.push(typedAt, at - typedAt);
    }
    counted = number;
  });
  provider.on("close", () => {
    if (connected && !closing) log.disconnects += 1;
    connected = false;
    // A reconnect resyncs and resets the provider's count: what was waiting can no longer be matched.
    waiting.length = 0;
  });

  const ready = new Promise<void>((resolve, reject) => {
    provider.on("authenticationFailed", ({ reason }: { reason: string }) => reject(new Error(`authentication failed: ${reason}`)));
    let started = false;
    provider.on("synced", () => {
      connected = true;
      // After a reconnect the provider resyncs by itself; the paragraph exists already.
      if (started) return;
      started = true;
      whenAcknowledged(provider)
        .then(() => {
          typist.start();
          waiting.push(Number.NaN);
          return whenAcknowledged(provider);
        })
        .then(resolve, reject);
    });
  });
  provider.attach();

  return {
    ready,
    type() {
      const typedAt = typist.type();
      waiting.push(typedAt);
    },
    unacknowledged: () => provider.unsyncedChanges,
    close() {
      closing = true;
      provider.destroy();
      socket.destroy();
    },
  };
}

/** Resolves when the provider has no update waiting for the server (its first sync included). */
function whenAcknowledged(provider: HocuspocusProvider): Promise<void> {
  if (provider.unsyncedChanges === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const check = ({ number }: { number: number }) => {
      if (number !== 0) return;
      provider.off("unsyncedChanges", check);
      resolve();
    };
    provider.on("unsyncedChanges", check);
  });
}
