import { create, toBinary, type DescMessage, type Message } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EventEnvelopeSchema, missingRequiredFields, type EventEnvelope } from "@materi/contracts";
import { randomUUID } from "node:crypto";
import { isEventType, payloadSchemaFor, type EventType } from "../catalog/index.js";
import { InvalidEventError, MissingRequiredFieldError, WrongPayloadTypeError } from "./errors.js";

/** Metadata keys every envelope carries (issue 4: "metadata carries schema_version and traceparent"). */
export const EnvelopeMetadata = {
  /** The registry version of the payload schema the publisher wrote with, as a decimal string. */
  schemaVersion: "schema_version",
  /** W3C traceparent of the publishing span, so the consumer's span continues the trace. */
  traceparent: "traceparent",
} as const;

/** What a publisher supplies; buildEnvelope fills event_id and timestamp. */
export interface BuildEnvelopeInput {
  /** A catalog event type, e.g. "document.created". */
  eventType: EventType | string;
  /** A generated message; must be the catalog's message for `eventType`. */
  payload: Message;
  /** The publishing service, e.g. "api". */
  sourceService: string;
  /** The request or trace id the event belongs to. */
  correlationId: string;
  /** W3C traceparent header value of the current span; omitted from metadata when undefined. */
  traceparent?: string | undefined;
  /** Registry version of the payload schema (SchemaRegistry.catalogVersion(eventType)). */
  schemaVersion: number;
  /** Fixed event id (e.g. an outbox row's), a UUID; default a fresh UUID v4. */
  eventId?: string;
  /** Event time; default now. */
  timestamp?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID in its canonical 8-4-4-4-12 hex form (any version). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The EventEnvelope message for `input`, after refusing a payload that is not the catalog's
 * message for the type or lacks a required field (InvalidEventError and subclasses). Use this
 * when the caller needs the envelope's fields (event_id for logs, the outbox); else buildEnvelope.
 */
export function createEnvelope(input: BuildEnvelopeInput): EventEnvelope {
  const { eventType, payload } = input;
  if (!isEventType(eventType)) {
    throw new InvalidEventError("unknown_event_type", eventType, "the event catalog does not list this type");
  }
  // Widened on purpose: the payload arrives as any Message, and the $typeName test below is what
  // ties it to this schema.
  const schema: DescMessage = payloadSchemaFor(eventType as string);
  // $typeName is the only reliable test: protobuf-es messages are plain objects, and a UserEvent
  // has most of a DocumentEvent's field names.
  if (payload.$typeName !== schema.typeName) throw new WrongPayloadTypeError(eventType, schema.typeName, payload.$typeName);
  const missing = missingRequiredFields(schema, payload);
  if (missing.length > 0) throw new MissingRequiredFieldError(eventType, schema.typeName, missing.map((f) => f.name));
  checkEnvelopeInput(input);
  const metadata: Record<string, string> = { [EnvelopeMetadata.schemaVersion]: String(input.schemaVersion) };
  if (input.traceparent !== undefined) metadata[EnvelopeMetadata.traceparent] = input.traceparent;
  const envelope = create(EventEnvelopeSchema, {
    eventId: input.eventId ?? randomUUID(),
    eventType,
    sourceService: input.sourceService,
    timestamp: timestampFromDate(input.timestamp ?? new Date()),
    correlationId: input.correlationId,
    payload: toBinary(schema, payload),
    metadata,
  });
  // The envelope's own required fields come from the same proto option as the payload's.
  const unset = missingRequiredFields(EventEnvelopeSchema, envelope);
  if (unset.length > 0) {
    const names = unset.map((f) => f.name).join(", ");
    throw new InvalidEventError("invalid_envelope_input", eventType, `envelope field(s) ${names} are empty`);
  }
  return envelope;
}

/** The serialized EventEnvelope for `input`: the bytes that go into a stream entry's `envelope` field. */
export function buildEnvelope(input: BuildEnvelopeInput): Uint8Array {
  return toBinary(EventEnvelopeSchema, createEnvelope(input));
}

function checkEnvelopeInput(input: BuildEnvelopeInput): void {
  const { eventType, schemaVersion, eventId } = input;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new InvalidEventError("invalid_envelope_input", eventType, `schemaVersion must be a positive integer, got ${schemaVersion}`);
  }
  if (eventId !== undefined && !isUuid(eventId)) {
    throw new InvalidEventError("invalid_envelope_input", eventType, `eventId must be a UUID, got "${eventId}"`);
  }
  if (input.timestamp !== undefined && Number.isNaN(input.timestamp.getTime())) {
    throw new InvalidEventError("invalid_envelope_input", eventType, "timestamp is an invalid Date");
  }
}
