import type { Queryable } from "@materi/platform";
import * as Y from "yjs";
import type { DocumentContent } from "../types.js";
import { replay } from "./loadDocument.js";
import { readSince } from "./updateLog.js";

interface Entry {
  doc: Y.Doc;
  seq: number;
  content: DocumentContent;
}

/**
 * readContent without replaying the whole log on every read: the last-read documents stay as
 * Y.Docs of their own (never handed out, so no caller can change them), and a read fetches only
 * the log rows after the cached seq, usually none. The answer is as fresh as an uncached read:
 * the database is always asked what changed. Answers are frozen, since callers share them. Least
 * recently read documents are dropped first.
 */
export class ContentCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly db: Queryable,
    private readonly render: (doc: Y.Doc) => Omit<DocumentContent, "seq">,
    /** Most documents kept (count). */
    private readonly size: number,
  ) {}

  async read(documentId: string): Promise<DocumentContent> {
    const cached = this.entries.get(documentId);
    const { snapshot, updates } = await readSince(this.db, documentId, cached?.seq ?? 0);
    // The log after the cached seq was pruned (or nothing is cached): start from the snapshot.
    const base = snapshot || !cached ? { doc: new Y.Doc({ guid: documentId }), seq: 0 } : cached;
    if (snapshot) base.seq = snapshot.seq;
    if (snapshot || updates.length > 0) replay(base.doc, snapshot?.state, updates.map((u) => u.update));
    const seq = updates.at(-1)?.seq ?? base.seq;
    const content = cached && cached === base && seq === cached.seq ? cached.content : deepFreeze({ ...this.render(base.doc), seq });
    this.remember(documentId, { doc: base.doc, seq, content });
    return content;
  }

  /** Forget a document (purged). */
  drop(documentId: string): void {
    this.entries.get(documentId)?.doc.destroy();
    this.entries.delete(documentId);
  }

  private remember(documentId: string, entry: Entry): void {
    // Re-inserted, so the Map's order is least recently read first.
    this.entries.delete(documentId);
    this.entries.set(documentId, entry);
    if (this.size === 0) return this.drop(documentId);
    while (this.entries.size > this.size) this.drop(this.entries.keys().next().value!);
  }
}

/** Cached answers are shared between callers: frozen, so none can change another's. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
