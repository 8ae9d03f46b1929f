import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { appliesCleanly } from "./appliesCleanly.js";

/** Every update `change` makes to a document that already holds a typed paragraph. */
function updatesOf(change: (doc: Y.Doc, text: Y.XmlText) => void): Uint8Array[] {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText();
  doc.transact(() => {
    paragraph.insert(0, [text]);
    doc.getXmlFragment("default").push([paragraph]);
  });
  text.insert(0, "hello");
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  change(doc, text);
  return updates;
}

/** The same verdict the relay used to reach by applying every update to a scratch document. */
function appliesToEmptyDocument(update: Uint8Array): boolean {
  try {
    Y.applyUpdate(new Y.Doc(), update);
    return true;
  } catch {
    return false;
  }
}

describe("appliesCleanly", () => {
  it("accepts what editors send: a document's first update, keystrokes, deletions, formatting, subdocuments", () => {
    const first = new Y.Doc();
    first.getXmlFragment("default").push([new Y.XmlElement("paragraph")]);
    const updates = [
      Y.encodeStateAsUpdate(first),
      ...updatesOf((_, text) => text.insert(5, "!")),
      ...updatesOf((_, text) => text.delete(0, 2)),
      ...updatesOf((_, text) => text.format(0, 3, { bold: true })),
      ...updatesOf((doc) => doc.getArray("subdocs").push([new Y.Doc({ guid: "sub" })])),
    ];
    for (const update of updates) expect(appliesCleanly(update)).toBe(true);
  });

  it("refuses bytes that are not an update", () => {
    expect(appliesCleanly(new Uint8Array([1, 2, 3, 255, 255, 255, 255]))).toBe(false);
    const keystroke = updatesOf((_, text) => text.insert(5, "!"))[0]!;
    expect(appliesCleanly(keystroke.slice(0, keystroke.byteLength - 3))).toBe(false);
  });

  it("refuses an update that decodes but throws when applied (an empty delete range)", () => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0); // no structs
    for (const n of [1, 7, 1, 5, 0]) encoding.writeVarUint(encoder, n); // one client (7), one range: clock 5, length 0
    const update = encoding.toUint8Array(encoder);
    expect(() => Y.decodeUpdate(update)).not.toThrow();
    expect(appliesToEmptyDocument(update)).toBe(false);
    expect(appliesCleanly(update)).toBe(false);
  });

  it("agrees with applying to an empty document on corrupted keystrokes", () => {
    const keystrokes = [...updatesOf((_, text) => text.insert(5, "abc")), ...updatesOf((_, text) => text.delete(1, 2))];
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    for (let i = 0; i < 3_000; i++) {
      const bytes = new Uint8Array(keystrokes[next(keystrokes.length)]!);
      bytes[next(bytes.length)] = next(256);
      expect(appliesCleanly(bytes)).toBe(appliesToEmptyDocument(bytes));
    }
  });
});
