import { fromBinary, type Message } from "@bufbuild/protobuf";
import { EventEnvelopeSchema, missingRequiredFields, type EventEnvelope } from "@materi/contracts";
import { isEventType, payloadSchemaFor, type EventType } from "../catalog/index.js";
import { UnknownSchemaVersionError, type PayloadDecoder } from "../registry/index.js";
import { EnvelopeMetadata, isUuid } from "./buildEnvelope.js";
import { MalformedEnvelopeError } from "./errors.js";

/** Where decodeEnvelope gets a payload decoder: the SchemaRegistry, or catalogDecoders. */
export interface PayloadDecoderSource {
  /** Throws UnknownSchemaVersionError for a version never registered. */
  decoderFor(eventType: string, version: number): Promise<PayloadDecoder>;
}

/** A validated envelope and its payload, decoded with the schema version the publisher wrote. */
export interface DecodedEnvelope {
  envelope: EventEnvelope;
  /** `envelope.eventType`, checked against the catalog. */
  eventType: EventType;
  /** From `envelope.metadata.schema_version`. */
  schemaVersion: number;
  /**
   * The payload as a message of the registered version's descriptor. Its `$typeName` is the
   * catalog's message, so it may be read as the generated type; fields added after that version
   * are absent (defaults), fields it does not know are kept as unknown fields.
   */
  payload: Message;
}

/**
 * Decodes without a database: every version with the generated schema this build was compiled
 * with. Sound for versions the registry accepted (same numbers, same types), so it suits tests,
 * tools and the in-process transport; services use the SchemaRegistry.
 */
export const catalogDecoders: PayloadDecoderSource = {
  decoderFor(eventType, version) {
    if (!isEventType(eventType)) return Promise.reject(new UnknownSchemaVersionError(eventType, version));
    const schema = payloadSchemaFor(eventType);
    const decoder: PayloadDecoder = {
      eventType,
      version,
      messageName: schema.typeName,
      schema,
      decode: (bytes) => fromBinary(schema, bytes),
    };
    return Promise.resolve(decoder);
  },
};

/**
 * Parses the bytes of a stream entry's `envelope` field. Protobuf decodes almost any bytes into
 * some message, so the result is validated: envelope required fields set, event_id a UUID,
 * event_type in the catalog, schema_version registered, payload decodes and carries its
 * required fields. Any failure is a MalformedEnvelopeError (dead-letter it, never retry); a
 * failure of `decoders` itself (database down) is rethrown as is, since a retry may succeed.
 */
export async function decodeEnvelope(bytes: Uint8Array, decoders: PayloadDecoderSource): Promise<DecodedEnvelope> {
  const envelope = parseEnvelope(bytes);
  const eventType = envelope.eventType;
  if (!isEventType(eventType)) throw new MalformedEnvelopeError(`unknown event_type "${eventType}"`);
  const schemaVersion = schemaVersionOf(envelope);
  let decoder: PayloadDecoder;
  try {
    decoder = await decoders.decoderFor(eventType, schemaVersion);
  } catch (err) {
    if (err instanceof UnknownSchemaVersionError) throw new MalformedEnvelopeError(err.message, { cause: err });
    throw err;
  }
  return { envelope, eventType, schemaVersion, payload: decodePayload(decoder, envelope) };
}

function parseEnvelope(bytes: Uint8Array): EventEnvelope {
  let envelope: EventEnvelope;
  try {
    envelope = fromBinary(EventEnvelopeSchema, bytes);
  } catch (err) {
    throw new MalformedEnvelopeError(`not a protobuf EventEnvelope (${errorMessage(err)})`, { cause: err });
  }
  const missing = missingRequiredFields(EventEnvelopeSchema, envelope);
  if (missing.length > 0) {
    throw new MalformedEnvelopeError(`missing required field(s) ${missing.map((f) => f.name).join(", ")}`);
  }
  if (!isUuid(envelope.eventId)) throw new MalformedEnvelopeError(`event_id "${printable(envelope.eventId)}" is not a UUID`);
  return envelope;
}

function schemaVersionOf(envelope: EventEnvelope): number {
  const raw = envelope.metadata[EnvelopeMetadata.schemaVersion];
  // Digits only: Number("") is 0 and Number("1e1") is 10, neither of which a publisher wrote.
  if (raw === undefined || !/^[1-9][0-9]{0,8}$/.test(raw)) {
    throw new MalformedEnvelopeError(`metadata.schema_version "${printable(raw ?? "")}" is not a positive integer`);
  }
  return Number(raw);
}

function decodePayload(decoder: PayloadDecoder, envelope: EventEnvelope): Message {
  let payload: Message;
  try {
    payload = decoder.decode(envelope.payload);
  } catch (err) {
    const what = `${decoder.messageName} v${decoder.version}`;
    throw new MalformedEnvelopeError(`payload of ${envelope.eventType} does not decode as ${what} (${errorMessage(err)})`, {
      cause: err,
    });
  }
  const missing = missingRequiredFields(decoder.schema, payload);
  if (missing.length > 0) {
    const names = missing.map((f) => f.name).join(", ");
    throw new MalformedEnvelopeError(`payload ${decoder.messageName} is missing required field(s) ${names}`);
  }
  return payload;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Garbage decodes to garbage strings: keep them short and printable in logs and DLQ reasons. */
function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 64 ? `${clean.slice(0, 64)}...` : clean;
}
