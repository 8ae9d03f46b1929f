import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import type { BenchClient } from "./benchClient.js";
import type { KeystrokeLog } from "./keystrokeLog.js";
import type { ClientSpec } from "./protocol.js";
import { Typist } from "./typist.js";

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

/**
 * A y-websocket client, as y-websocket's WebsocketProvider speaks it (that package is not installed):
 * the room is the URL path; on open, sync step 1 and the local awareness state; every local update
 * as a sync update; the server's sync messages answered through y-protocols. There is no
 * BroadcastChannel (the `disableBc: true` of the real provider), so every update crosses the server.
 * The protocol has no acknowledgement.
 */
export function connectYWebsocketClient(url: string, spec: ClientSpec, log: KeystrokeLog): BenchClient {
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  const typist = new Typist(doc, log);
  const ws = new WebSocket(`${url}/${encodeURIComponent(spec.document)}`);
  ws.binaryType = "arraybuffer";
  const origin = { client: "y-websocket" };
  let opened = false;
  let synced = false;
  let closing = false;

  const send = (write: (encoder: encoding.Encoder) => void) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const encoder = encoding.createEncoder();
    write(encoder);
    ws.send(encoding.toUint8Array(encoder));
  };
  doc.on("update", (update: Uint8Array, updateOrigin: unknown) => {
    if (updateOrigin === origin) return;
    send((encoder) => {
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
    });
  });
  awareness.on("update", ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, updateOrigin: unknown) => {
    if (updateOrigin === origin) return;
    send((encoder) => {
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]));
    });
  });

  const ready = new Promise<void>((resolve, reject) => {
    ws.on("open", () => {
      opened = true;
      send((encoder) => {
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        syncProtocol.writeSyncStep1(encoder, doc);
      });
      send((encoder) => {
        encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
        encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
      });
    });
    ws.on("message", (data: ArrayBuffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE_AWARENESS) {
        awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), origin);
        return;
      }
      if (type !== MESSAGE_SYNC) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      const syncType = syncProtocol.readSyncMessage(decoder, encoder, doc, origin);
      if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
      if (syncType === syncProtocol.messageYjsSyncStep2 && !synced) {
        synced = true;
        typist.start();
        resolve();
      }
    });
    ws.on("error", reject);
    ws.on("close", () => {
      if (opened && !closing) log.disconnects += 1;
      reject(new Error("closed before it was synced"));
    });
  });

  return {
    ready,
    type: () => void typist.type(),
    unacknowledged: () => 0,
    close() {
      closing = true;
      awareness.destroy();
      ws.close();
    },
  };
}
