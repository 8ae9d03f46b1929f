import type { Queryable } from "@materi/platform";
import * as Y from "yjs";
import type { LoadedDocument } from "../types.js";
import { readState } from "./updateLog.js";

/** The snapshot folded with every log row after it, as a Y.Doc and the last seq it includes. */
export async function loadDocument(db: Queryable, documentId: string): Promise<LoadedDocument> {
  const { snapshot, updates } = await readState(db, documentId);
  // A fixed guid: the default draws a random UUID, measurably costly per request on this VM.
  const doc = new Y.Doc({ guid: documentId });
  replay(doc, snapshot?.state, updates.map((u) => u.update));
  return { doc, seq: updates.at(-1)?.seq ?? snapshot?.seq ?? 0 };
}

/** Applies `base` (a snapshot, if any) then `updates` to `doc` in one transaction, so observers and cleanup run once. */
export function replay(doc: Y.Doc, base: Uint8Array | undefined, updates: Iterable<Uint8Array>): void {
  doc.transact(() => {
    if (base) Y.applyUpdate(doc, base);
    for (const update of updates) Y.applyUpdate(doc, update);
  });
}
