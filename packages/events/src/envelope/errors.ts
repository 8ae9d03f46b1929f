/** Why buildEnvelope refused an event; stable for logs and tests. */
export type InvalidEventReason =
  | "unknown_event_type"
  | "wrong_payload_type"
  | "missing_required_fields"
  | "invalid_envelope_input";

/**
 * An event the publisher refused to build (issue 4, "Publishing"): protobuf would happily encode
 * and decode almost anything, so the type and required fields are checked before bytes exist.
 * Not retryable: the calling code has a bug.
 */
export class InvalidEventError extends Error {
  /** Stable code for logs and problem documents. */
  readonly code = "EVENTS_ERR_INVALID_EVENT";

  constructor(
    readonly reason: InvalidEventReason,
    readonly eventType: string,
    message: string,
  ) {
    super(`refused to publish "${eventType}": ${message}`);
    this.name = "InvalidEventError";
  }
}

/** The payload is not the catalog's message for its event type, e.g. a UserEvent as document.created. */
export class WrongPayloadTypeError extends InvalidEventError {
  constructor(
    eventType: string,
    /** The catalog's message for the type, e.g. "materi.events.v1.DocumentEvent". */
    readonly expected: string,
    /** The payload's `$typeName`. */
    readonly actual: string,
  ) {
    super("wrong_payload_type", eventType, `payload is ${actual}, but the catalog says ${eventType} carries ${expected}`);
    this.name = "WrongPayloadTypeError";
  }
}

/** The payload leaves a field marked `(materi.options.v1.required)` unset. */
export class MissingRequiredFieldError extends InvalidEventError {
  constructor(
    eventType: string,
    readonly messageName: string,
    /** The proto names of the unset required fields, e.g. ["user_id"]. */
    readonly fields: readonly string[],
  ) {
    super("missing_required_fields", eventType, `${messageName} is missing required field(s) ${fields.join(", ")}`);
    this.name = "MissingRequiredFieldError";
  }
}

/**
 * Bytes that are not a usable EventEnvelope: not protobuf, an envelope without its required
 * fields, an event_id that is not a UUID, an unknown event type or schema version, or a payload
 * that does not decode. The consumer dead-letters these instead of retrying them.
 */
export class MalformedEnvelopeError extends Error {
  /** Stable code for logs and the dead-letter reason. */
  readonly code = "EVENTS_ERR_MALFORMED_ENVELOPE";

  constructor(message: string, options?: { cause?: unknown }) {
    super(`malformed event envelope: ${message}`, options);
    this.name = "MalformedEnvelopeError";
  }
}
