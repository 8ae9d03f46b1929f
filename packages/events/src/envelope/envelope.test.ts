import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  CollaborationEventSchema,
  DocumentEventSchema,
  EventEnvelopeSchema,
  UserEventSchema,
  type DocumentEvent,
  type EventEnvelope,
} from "@materi/contracts";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  InvalidEventError,
  MalformedEnvelopeError,
  MissingRequiredFieldError,
  WrongPayloadTypeError,
  buildEnvelope,
  catalogDecoders,
  decodeEnvelope,
  type BuildEnvelopeInput,
} from "./index.js";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const documentCreated = (): BuildEnvelopeInput => ({
  eventType: "document.created",
  payload: create(DocumentEventSchema, {
    documentId: "doc-1",
    workspaceId: "ws-1",
    userId: "user-1",
    action: "created",
    content: { title: "Plan", tags: ["a", "b"], pages: 2 },
  }),
  sourceService: "api",
  correlationId: "req-42",
  traceparent: TRACEPARENT,
  schemaVersion: 3,
});

/** A valid envelope's bytes after `edit`, for the malformed cases. */
function editedEnvelope(edit: (envelope: EventEnvelope) => void): Uint8Array {
  const envelope = fromBinary(EventEnvelopeSchema, buildEnvelope(documentCreated()));
  edit(envelope);
  return toBinary(EventEnvelopeSchema, envelope);
}

describe("buildEnvelope", () => {
  it("refuses a payload that is not the catalog's message for the event type", () => {
    const input = { ...documentCreated(), payload: create(UserEventSchema, { userId: "u1", action: "created" }) };
    const error = captureError(() => buildEnvelope(input));
    expect(error).toBeInstanceOf(WrongPayloadTypeError);
    expect(error).toMatchObject({
      reason: "wrong_payload_type",
      expected: "materi.events.v1.DocumentEvent",
      actual: "materi.events.v1.UserEvent",
    });
    expect(error.message).toContain("payload is materi.events.v1.UserEvent");
  });

  it("refuses a payload missing a required field (an empty string counts as missing)", () => {
    const payload = create(DocumentEventSchema, { documentId: "doc-1", workspaceId: "", action: "created" });
    const error = captureError(() => buildEnvelope({ ...documentCreated(), payload }));
    expect(error).toBeInstanceOf(MissingRequiredFieldError);
    expect(error).toMatchObject({ reason: "missing_required_fields", fields: ["workspace_id"] });
    expect(error.message).toContain("missing required field(s) workspace_id");
  });

  it("refuses zero-length bytes in a required field, an unknown type and a bad schema version", () => {
    const edit = create(CollaborationEventSchema, { sessionId: "s", documentId: "d", userId: "u", operationType: "" });
    expect(() => buildEnvelope({ ...documentCreated(), eventType: "collaboration.edit", payload: edit })).toThrow(
      /missing required field\(s\) operation_type/,
    );
    expect(() => buildEnvelope({ ...documentCreated(), eventType: "document.archived" })).toThrow(InvalidEventError);
    expect(() => buildEnvelope({ ...documentCreated(), schemaVersion: 0 })).toThrow(/schemaVersion must be a positive integer/);
    expect(() => buildEnvelope({ ...documentCreated(), sourceService: "" })).toThrow(/source_service/);
  });
});

describe("decodeEnvelope", () => {
  it("round-trips an envelope with exact fields", async () => {
    const timestamp = new Date("2025-03-04T05:06:07.089Z");
    const eventId = "0b6f4c1e-8f9a-4d3b-9c2e-5a7d1e3f9b20";
    const bytes = buildEnvelope({ ...documentCreated(), eventId, timestamp });
    const { envelope, eventType, schemaVersion, payload } = await decodeEnvelope(bytes, catalogDecoders);
    expect(eventType).toBe("document.created");
    expect(schemaVersion).toBe(3);
    expect(envelope).toMatchObject({
      eventId,
      eventType: "document.created",
      sourceService: "api",
      correlationId: "req-42",
      timestamp: { seconds: BigInt(Math.floor(timestamp.getTime() / 1000)), nanos: 89_000_000 },
      metadata: { schema_version: "3", traceparent: TRACEPARENT },
    });
    expect(payload.$typeName).toBe("materi.events.v1.DocumentEvent");
    const document = payload as DocumentEvent;
    expect(document).toMatchObject({ documentId: "doc-1", workspaceId: "ws-1", userId: "user-1", action: "created" });
    expect(document.content).toEqual({ title: "Plan", tags: ["a", "b"], pages: 2 });
  });

  it("fills a fresh UUID v4 and the current time, and leaves traceparent out when absent", async () => {
    const before = Date.now();
    const { envelope } = await decodeEnvelope(buildEnvelope({ ...documentCreated(), traceparent: undefined }), catalogDecoders);
    expect(envelope.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const millis = Number(envelope.timestamp?.seconds ?? 0n) * 1000;
    expect(millis).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(millis).toBeLessThanOrEqual(Date.now());
    expect(envelope.metadata).toEqual({ schema_version: "3" });
  });

  it.each([
    ["random bytes", () => new Uint8Array(randomBytes(64))],
    ["a truncated envelope", () => buildEnvelope(documentCreated()).subarray(0, 20)],
    ["text", () => new TextEncoder().encode("hello, this is not protobuf")],
    ["an empty buffer", () => new Uint8Array(0)],
  ])("throws MalformedEnvelopeError for %s", async (_name, bytes) => {
    await expect(decodeEnvelope(bytes(), catalogDecoders)).rejects.toBeInstanceOf(MalformedEnvelopeError);
  });

  it.each<[string, (envelope: EventEnvelope) => void, RegExp]>([
    ["an event_id that is not a UUID", (e) => (e.eventId = "not-a-uuid"), /event_id "not-a-uuid" is not a UUID/],
    ["an unknown event type", (e) => (e.eventType = "document.archived"), /unknown event_type "document.archived"/],
    ["no timestamp", (e) => (e.timestamp = undefined), /missing required field\(s\) timestamp/],
    ["no schema_version", (e) => delete e.metadata["schema_version"], /schema_version "" is not a positive integer/],
    ["a payload of another message", (e) => (e.payload = new Uint8Array([0x0a, 0x01, 0x78])), /missing required field/],
    ["a payload that does not decode", (e) => (e.payload = new Uint8Array([0x0a, 0x09, 0x01])), /does not decode as/],
  ])("throws MalformedEnvelopeError for %s", async (_name, edit, message) => {
    const decoding = decodeEnvelope(editedEnvelope(edit), catalogDecoders);
    await expect(decoding).rejects.toBeInstanceOf(MalformedEnvelopeError);
    await expect(decodeEnvelope(editedEnvelope(edit), catalogDecoders)).rejects.toThrow(message);
  });

  it("rethrows a failure of the decoder source itself, which a retry may cure", async () => {
    const down = { decoderFor: () => Promise.reject(new Error("connection refused")) };
    const decoding = decodeEnvelope(buildEnvelope(documentCreated()), down);
    await expect(decoding).rejects.not.toBeInstanceOf(MalformedEnvelopeError);
    await expect(decodeEnvelope(buildEnvelope(documentCreated()), down)).rejects.toThrow("connection refused");
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw err;
  }
  throw new Error("expected a throw");
}
