import * as decoding from "lib0/decoding";

// The hocuspocus wire format: varstring address (document name, or name\0session), varuint
// message type, then the type's body. Sync (0) bodies are y-protocols sync messages: varuint
// step (0 step1, 1 step2, 2 update) and, for 1 and 2, a varuint8array Yjs update.
const MESSAGE_SYNC = 0;
const MESSAGE_SYNC_REPLY = 4;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

export interface ClientFrame {
  /** The address as sent: the document name, or name\0session for session-aware providers. */
  address: string;
  documentName: string;
  type: number;
  /** Sync frames: the sync step. */
  syncStep?: number;
  /** Sync step2 and update frames: the Yjs update they carry. */
  update?: Uint8Array;
}

/** Reads a frame's header (and the update of sync frames); throws on bytes that are not a frame. */
export function readFrame(data: Uint8Array): ClientFrame {
  const decoder = decoding.createDecoder(data);
  const address = decoding.readVarString(decoder);
  const separator = address.indexOf("\0");
  const documentName = separator === -1 ? address : address.slice(0, separator);
  const type = decoding.readVarUint(decoder);
  if (type !== MESSAGE_SYNC && type !== MESSAGE_SYNC_REPLY) return { address, documentName, type };
  const syncStep = decoding.readVarUint(decoder);
  if (syncStep !== SYNC_STEP2 && syncStep !== SYNC_UPDATE) return { address, documentName, type, syncStep };
  return { address, documentName, type, syncStep, update: decoding.readVarUint8Array(decoder) };
}
