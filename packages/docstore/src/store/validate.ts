import { isUuid } from "@materi/events";
import * as Y from "yjs";
import { InvalidUpdateError } from "../content/errors.js";

// Origins are short labels (`rest:<userId>`); a bound keeps a bug from filling the log with them.
const MAX_ORIGIN_LENGTH = 200;

/**
 * The id in the form the tables hold it (lower case). Checked here, before an append joins a
 * batch: one malformed id failing the batch's statement would reject every other caller in it.
 */
export function checkDocumentId(documentId: string): string {
  if (typeof documentId !== "string" || !isUuid(documentId)) {
    throw new InvalidUpdateError(`Document id "${String(documentId)}" is not a UUID`);
  }
  return documentId.toLowerCase();
}

export function checkOrigin(origin: string): void {
  if (typeof origin !== "string" || origin.length === 0 || origin.length > MAX_ORIGIN_LENGTH || origin.includes("\u0000")) {
    throw new InvalidUpdateError(`Update origin must be a label of 1 to ${MAX_ORIGIN_LENGTH} characters such as "rest:<userId>"`);
  }
}

/** Refuses bytes that do not decode as a Yjs (v1) update, before anything is stored. */
export function checkUpdate(update: Uint8Array): void {
  if (!(update instanceof Uint8Array) || update.byteLength === 0) {
    throw new InvalidUpdateError("Update must be a non-empty Uint8Array holding a Yjs update");
  }
  try {
    Y.decodeUpdate(update);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidUpdateError(`Update bytes are not a Yjs update: ${reason}`, { cause: err });
  }
}
