import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { readFrame, SYNC_UPDATE } from "./frames.js";

describe("readFrame", () => {
  it("reads the document name of a session-aware address and the update of a sync frame", () => {
    const doc = new Y.Doc();
    doc.getText("t").insert(0, "hi");
    const update = Y.encodeStateAsUpdate(doc);
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, "doc-1\u0000session-9");
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, SYNC_UPDATE);
    encoding.writeVarUint8Array(encoder, update);
    const frame = readFrame(encoding.toUint8Array(encoder));
    expect(frame.address).toBe("doc-1\u0000session-9");
    expect(frame.documentName).toBe("doc-1");
    expect(frame.syncStep).toBe(SYNC_UPDATE);
    expect(frame.update).toEqual(update);
  });

  it("reads awareness frames without a body and throws on truncated bytes", () => {
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, "doc-1");
    encoding.writeVarUint(encoder, 1);
    expect(readFrame(encoding.toUint8Array(encoder))).toEqual({ address: "doc-1", documentName: "doc-1", type: 1 });
    expect(() => readFrame(new Uint8Array([40, 1, 2]))).toThrow();
  });
});
