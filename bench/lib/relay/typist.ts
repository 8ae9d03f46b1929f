import * as Y from "yjs";
import { keystrokeKey, now, type KeystrokeLog } from "./keystrokeLog.js";

const LETTERS = "abcdefghijklmnopqrstuvwxyz ";

/**
 * One editor's document: it types into its own paragraph of `XmlFragment("default")` (the TipTap
 * field Materi stores), one character per keystroke, and records when other editors' keystrokes
 * become visible. A keystroke is the Yjs item it creates, named by (clientID, clock), which the
 * receivers read from each remote transaction's state-vector advance: no decoding, no payload marker.
 */
export class Typist {
  private text: Y.XmlText | null = null;
  private typed = 0;

  constructor(
    readonly doc: Y.Doc,
    private readonly log: KeystrokeLog,
  ) {
    doc.on("update", (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
      // Each local change is one update message on the wire (neither client batches).
      if (transaction.local) log.updatesSent += 1;
    });
    doc.on("afterTransaction", (transaction: Y.Transaction) => {
      if (transaction.local) return;
      const at = now();
      for (const [client, after] of transaction.afterState) {
        if (client === doc.clientID) continue;
        for (let clock = transaction.beforeState.get(client) ?? 0; clock < after; clock++) log.arrivals.push(keystrokeKey(client, clock), at);
      }
    });
  }

  /** Adds this editor's paragraph (one update, sent like any other). */
  start(): void {
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    this.doc.transact(() => {
      paragraph.insert(0, [text]);
      this.doc.getXmlFragment("default").push([paragraph]);
    });
    this.text = text;
  }

  /** One keystroke: a one-character insert at the end of the paragraph. Returns the time it was typed. */
  type(): number {
    if (this.text === null) throw new Error("type() before start()");
    const clock = Y.getState(this.doc.store, this.doc.clientID);
    const at = now();
    this.text.insert(this.text.length, LETTERS[this.typed++ % LETTERS.length]!);
    this.log.sends.push(keystrokeKey(this.doc.clientID, clock), at);
    return at;
  }
}
