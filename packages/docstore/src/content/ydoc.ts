import type { Node } from "prosemirror-model";
import { prosemirrorToYXmlFragment, updateYFragment, yXmlFragmentToProseMirrorRootNode } from "y-prosemirror";
import * as Y from "yjs";
import type { ProseMirrorJSON } from "../types.js";
import { DOCUMENT_FIELD, documentSchema } from "./documentSchema.js";
import { jsonToNode, nodeToJSON } from "./json.js";

/** The content fragment of a Y.Doc: `Y.XmlFragment('default')`. */
export function contentFragment(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(DOCUMENT_FIELD);
}

/**
 * A new Y.Doc holding `json` (validated) in the content fragment. For importing content into a
 * document that has no history yet; an existing document takes `applyContent` instead, so its
 * live editors keep their positions.
 */
export function jsonToYDoc(json: ProseMirrorJSON): Y.Doc {
  const doc = new Y.Doc();
  prosemirrorToYXmlFragment(jsonToNode(json), contentFragment(doc));
  return doc;
}

/**
 * The ProseMirror node of a Y.Doc's content. An element the schema does not know is dropped by
 * y-prosemirror (and deleted from this in-memory doc, never from the store). An empty fragment
 * reads as one empty paragraph, which is what an editor shows for it.
 */
export function yDocToNode(doc: Y.Doc): Node {
  const root = yXmlFragmentToProseMirrorRootNode(contentFragment(doc), documentSchema);
  return root.childCount > 0 ? root : (documentSchema.topNodeType.createAndFill() ?? root);
}

/** ProseMirror JSON of a Y.Doc's content. */
export function yDocToJSON(doc: Y.Doc): ProseMirrorJSON {
  return nodeToJSON(yDocToNode(doc));
}

/**
 * Changes `doc` so its content becomes `target`, touching only what differs (y-prosemirror's
 * updateYFragment: unchanged blocks are matched from both ends and kept, changed text is edited
 * in place), so an editor typing elsewhere in the document keeps its text. Returns the Yjs
 * update of that change, or null when the content already equals `target`.
 */
export function applyContent(doc: Y.Doc, target: Node, origin: unknown): Uint8Array | null {
  const updates: Uint8Array[] = [];
  const collect = (update: Uint8Array): void => {
    updates.push(update);
  };
  // The 'update' event carries exactly this transaction's change (insertions and deletions);
  // encodeStateAsUpdate(doc, svBefore) would also repeat the document's whole delete set.
  doc.on("update", collect);
  try {
    doc.transact(() => updateYFragment(doc, contentFragment(doc), target, { mapping: new Map(), isOMark: new Map() }), origin);
  } finally {
    doc.off("update", collect);
  }
  if (updates.length === 0) return null;
  return updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates);
}
