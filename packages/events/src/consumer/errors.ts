/**
 * Failures that retrying cannot fix: the consumer sends the entry straight to the dead-letter
 * stream instead of spending its delivery attempts (spec: "Validation error: 0 retries").
 * Handlers throw these (or set `permanent: true` on their own error) for input they reject;
 * the envelope module's MalformedEnvelopeError counts too (see isPermanent).
 */
export class PermanentError extends Error {
  /** Stable code for logs and the dead-letter reason. */
  readonly code: string = "EVENTS_ERR_PERMANENT";
  /** Read by isPermanent, so errors from other packages can opt in without importing this class. */
  readonly permanent = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentError";
  }
}

// Codes of errors thrown by other modules of this package that retrying cannot fix: the
// envelope module's MalformedEnvelopeError (garbage bytes, unknown schema version) and the
// catalog's UnknownEventTypeError. Matched by code so the consumer needs no import of them.
const PERMANENT_CODES = new Set(["EVENTS_ERR_PERMANENT", "EVENTS_ERR_MALFORMED_ENVELOPE", "EVENTS_ERR_UNKNOWN_EVENT_TYPE"]);

/**
 * True for errors that must not be retried: a PermanentError, any error with `permanent: true`,
 * or one whose `code` is a known permanent one (MalformedEnvelopeError, UnknownEventTypeError).
 */
export function isPermanent(err: unknown): boolean {
  if (err instanceof PermanentError) return true;
  if (typeof err !== "object" || err === null) return false;
  const { permanent, code } = err as { permanent?: unknown; code?: unknown };
  return permanent === true || (typeof code === "string" && PERMANENT_CODES.has(code));
}

/** The message recorded as a dead letter's reason: `Name: message`, one line, bounded. */
export function failureReason(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.replace(/\s+/g, " ").slice(0, 1_000);
}
