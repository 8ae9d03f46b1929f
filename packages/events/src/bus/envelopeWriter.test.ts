import { create, type Message } from "@bufbuild/protobuf";
import {
  AiEventSchema,
  CollaborationEventSchema,
  DocumentEventSchema,
  MembershipEventSchema,
  SystemEventSchema,
  UserEventSchema,
} from "@materi/contracts";
import { describe, expect, it } from "vitest";
import { buildEnvelope, type BuildEnvelopeInput } from "../envelope/index.js";
import { FAST_PATH, writeEnvelope } from "./envelopeWriter.js";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const EVENT_ID = "0b6f4c1e-8f9a-4d3b-9c2e-5a7d1e3f9b20";

const payloads: Array<[string, Message]> = [
  ["user.created", create(UserEventSchema, { userId: "u-1", email: "ü@example.com", action: "created", changes: { a: 1 } })],
  ["document.updated", create(DocumentEventSchema, { documentId: "d", workspaceId: "w", userId: "", action: "updated", content: { t: "日本語" } })],
  ["collaboration.edit", create(CollaborationEventSchema, { sessionId: "s", documentId: "d", userId: "u", operationType: "edit", crdtOperation: new Uint8Array(300).fill(7), vectorClock: 9_007_199_254n })],
  ["ai.generation.completed", create(AiEventSchema, { requestId: "r", workspaceId: "w", userId: "u", action: "completed", provider: "openai", model: "m", inputTokens: 12n, outputTokens: 400n, latencyMs: 1234n })],
  ["system.started", create(SystemEventSchema, { service: "api", instanceId: "i-1", action: "started" })],
  ["workspace.member_added", create(MembershipEventSchema, { workspaceId: "w", userId: "u", actorId: "a", action: "member_added", role: "editor" })],
];

function input(eventType: string, payload: Message, extra: Partial<BuildEnvelopeInput> = {}): BuildEnvelopeInput {
  return { eventType, payload, sourceService: "api", correlationId: "req-42", traceparent: TRACEPARENT, schemaVersion: 3, eventId: EVENT_ID, ...extra };
}

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

describe("writeEnvelope", () => {
  it("runs the hand-written path for the envelope this build was generated with", () => {
    expect(FAST_PATH).toBe(true);
  });

  it.each(payloads)("writes the same bytes as buildEnvelope for %s", (eventType, payload) => {
    const times = [new Date("2025-03-04T05:06:07.089Z"), new Date("2025-03-04T05:06:07.000Z"), new Date(0), new Date(999), new Date(8.64e15)];
    for (const timestamp of times) {
      for (const extra of [{}, { traceparent: undefined }, { correlationId: "ünïcødé-🙂", sourceService: "shield", schemaVersion: 123_456 }]) {
        const reference = Buffer.from(buildEnvelope(input(eventType, payload, { timestamp, ...extra })));
        const written = writeEnvelope(input(eventType, payload, { timestamp, ...extra }));
        expect(written.eventId).toBe(EVENT_ID);
        expect(written.bytes.equals(reference), `${eventType} at ${timestamp.toISOString()}`).toBe(true);
      }
    }
  });

  it("fills a fresh UUID v4 when no event id is given", () => {
    const [eventType, payload] = payloads[0]!;
    const a = writeEnvelope(input(eventType, payload, { eventId: undefined }));
    const b = writeEnvelope(input(eventType, payload, { eventId: undefined }));
    expect(a.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.eventId).not.toBe(b.eventId);
  });

  it.each<[string, Partial<BuildEnvelopeInput>]>([
    ["a payload of another message", { payload: create(DocumentEventSchema, { documentId: "d", workspaceId: "w", action: "created" }) }],
    ["a payload missing a required field", { payload: create(UserEventSchema, { userId: "u", action: "" }) }],
    ["an unknown event type", { eventType: "user.exploded" }],
    ["a zero schema version", { schemaVersion: 0 }],
    ["an event id that is not a UUID", { eventId: "nope" }],
    ["an empty source service", { sourceService: "" }],
    ["an empty correlation id", { correlationId: "" }],
    ["an invalid timestamp", { timestamp: new Date(Number.NaN) }],
  ])("refuses %s with buildEnvelope's error", (_name, edit) => {
    const bad = input("user.created", create(UserEventSchema, { userId: "u", action: "created" }), edit);
    const expected = captured(() => buildEnvelope(bad)) as Error;
    const actual = captured(() => writeEnvelope(bad)) as Error;
    expect(actual.constructor).toBe(expected.constructor);
    expect(actual.message).toBe(expected.message);
    expect(actual).toMatchObject({ ...expected });
  });
});
