import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { StoredUpdate } from "../types.js";

/** The pub/sub channel of one document: `materi:docstore:doc:<documentId>`. */
export function documentChannelName(documentId: string): string {
  return `${CHANNEL_PREFIX}${documentId}`;
}

export const CHANNEL_PREFIX = "materi:docstore:doc:";

// Bumped when the layout changes, so a relay of the previous release drops what it cannot read
// instead of misreading it (it then sees a seq gap and resyncs from the store).
const FORMAT_VERSION = 1;

/**
 * The binary message: varuint format version (1), varstring documentId, varuint seq, varstring
 * origin, then the update as a length-prefixed byte array (lib0 encoding, as y-protocols uses).
 */
export function encodeUpdateMessage(update: StoredUpdate): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, FORMAT_VERSION);
  encoding.writeVarString(encoder, update.documentId);
  encoding.writeVarUint(encoder, update.seq);
  encoding.writeVarString(encoder, update.origin);
  encoding.writeVarUint8Array(encoder, update.update);
  return encoding.toUint8Array(encoder);
}

/** The update a message carries; null for a message of another format version or a corrupt one. */
export function decodeUpdateMessage(message: Uint8Array): StoredUpdate | null {
  try {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== FORMAT_VERSION) return null;
    const documentId = decoding.readVarString(decoder);
    const seq = decoding.readVarUint(decoder);
    const origin = decoding.readVarString(decoder);
    const update = decoding.readVarUint8Array(decoder);
    return { documentId, seq, origin, update };
  } catch {
    // lib0 throws on a truncated message; the caller logs a null and the relay's gap check resyncs.
    return null;
  }
}
