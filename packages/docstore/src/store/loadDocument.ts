import type { Queryable } from "@materi/platform";
import * as Y from "yjs";
import type { LoadedDocument } from "../types.js";
import { readState } from "./updateLog.js";

/** The snapshot folded with every log row after it, as a Y.Doc and the last seq it includes. */
export async function loadDocument(db: Queryable, documentId: string): Promise<LoadedDocument> {
  const { snapshot, updates } = await readState(db, documentId);
  // A fixed guid: the default draws a random UUID, measurably costly per request on this VM.
  const doc = new Y.Doc({ guid: documentId });
  // One transaction for the whole replay: observers (none yet) and cleanup run once.
  doc.transact(() => {
    if (snapshot) Y.applyUpdate(doc, snapshot.state);
    for (const { update } of updates) Y.applyUpdate(doc, update);
  });
  return { doc, seq: updates.at(-1)?.seq ?? snapshot?.seq ?? 0 };
}
