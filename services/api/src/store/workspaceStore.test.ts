import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./workspaceStore.js";

describe("page cursors", () => {
  it("round-trip the keyset, microseconds and time zone included", () => {
    const position = { key: "2026-11-25 11:45:32.123456+00", id: "0c656449-ebc1-45b6-96b8-fcb108d36c90" };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it("read anything else as no cursor at all (the command answers 422)", () => {
    for (const bad of ["", "not-a-cursor", encodeCursor({ key: "yesterday", id: "0c656449-ebc1-45b6-96b8-fcb108d36c90" }), encodeCursor({ key: "2026-01-01", id: "x' or 1=1" }), Buffer.from("{}").toString("base64url")]) {
      expect(decodeCursor(bad), bad).toBeNull();
    }
  });
});
