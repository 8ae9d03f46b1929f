import { applyContent, contentFragment, markdownToNode, yDocToNode, type DocStore, type StoredUpdate } from "@materi/docstore";

/**
 * Puts generated Markdown at the end of the document as one Yjs update, origin `ai:<userId>`
 * (attributable in the log, and a separate transaction an editor's undo manager can revert).
 * The change is computed against the state just loaded, so it holds insertions only: edits
 * landing meanwhile merge with it as any concurrent Yjs edit does, and the docstore announces
 * it so live relay sessions see it at once. Null when there is nothing to add.
 */
export async function appendToDocument(docs: DocStore, documentId: string, userId: string, markdown: string): Promise<StoredUpdate | null> {
  const addition = markdownToNode(markdown);
  if (addition.childCount === 0) return null;
  const origin = `ai:${userId}`;
  const { doc } = await docs.load(documentId);
  try {
    // An empty document reads as one empty paragraph; the text replaces it rather than following it.
    const current = contentFragment(doc).length === 0 ? null : yDocToNode(doc);
    const target = current === null ? addition : current.type.create(current.attrs, current.content.append(addition.content), current.marks);
    const update = applyContent(doc, target, origin);
    return update === null ? null : await docs.append(documentId, update, origin);
  } finally {
    doc.destroy();
  }
}
