import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { DocumentEventSchema, EventEnvelopeSchema, UserEventSchema, type EventEnvelope } from "@materi/contracts";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildEnvelope, catalogDecoders, decodeEnvelope, type BuildEnvelopeInput } from "../envelope/index.js";
import { readEnvelope } from "./envelopeReader.js";

const valid = (): BuildEnvelopeInput => ({
  eventType: "document.created",
  payload: create(DocumentEventSchema, { documentId: "d-1", workspaceId: "w-1", userId: "u-1", action: "created", content: { a: [1, "x"] } }),
  sourceService: "api",
  correlationId: "req-1",
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  schemaVersion: 1,
});

function edited(edit: (envelope: EventEnvelope) => void): Uint8Array {
  const envelope = fromBinary(EventEnvelopeSchema, buildEnvelope(valid()));
  edit(envelope);
  return toBinary(EventEnvelopeSchema, envelope);
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ value }),
    (err: Error) => ({ error: err.constructor.name, message: err.message }),
  );
}

describe("readEnvelope", () => {
  it("returns what decodeEnvelope returns for valid envelopes", async () => {
    for (const input of [valid(), { ...valid(), traceparent: undefined, schemaVersion: 7 }, { ...valid(), eventType: "user.updated", payload: create(UserEventSchema, { userId: "u", action: "updated" }) }]) {
      const bytes = buildEnvelope(input);
      expect(await readEnvelope(bytes, catalogDecoders)).toEqual(await decodeEnvelope(bytes, catalogDecoders));
    }
  });

  it.each<[string, () => Uint8Array]>([
    ["random bytes", () => new Uint8Array(randomBytes(64))],
    ["text", () => new TextEncoder().encode("garbage")],
    ["an empty buffer", () => new Uint8Array(0)],
    ["a truncated envelope", () => buildEnvelope(valid()).subarray(0, 25)],
    ["a bad event id", () => edited((e) => (e.eventId = "x"))],
    ["an unknown type", () => edited((e) => (e.eventType = "document.exploded"))],
    ["no timestamp", () => edited((e) => (e.timestamp = undefined))],
    ["a schema version with a leading zero", () => edited((e) => (e.metadata["schema_version"] = "01"))],
    ["a payload of another message", () => edited((e) => (e.payload = new Uint8Array([0x0a, 0x01, 0x78])))],
    ["a payload that does not decode", () => edited((e) => (e.payload = new Uint8Array([0x0a, 0x09, 0x01])))],
  ])("refuses %s with decodeEnvelope's own error", async (_name, bytes) => {
    const input = bytes();
    const expected = await outcome(decodeEnvelope(input, catalogDecoders));
    expect(expected).toMatchObject({ error: "MalformedEnvelopeError" });
    expect(await outcome(readEnvelope(input, catalogDecoders))).toEqual(expected);
  });

  it("rethrows a failing decoder source, which a retry may cure", async () => {
    const down = { decoderFor: () => Promise.reject(new Error("connection refused")) };
    await expect(readEnvelope(buildEnvelope(valid()), down)).rejects.toThrow("connection refused");
  });
});
