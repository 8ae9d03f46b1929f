/** One change that breaks readers of earlier versions, naming the field it concerns. */
export interface SchemaChange {
  /** The field's name in the earlier version (or the new name, for a newly added field). */
  fieldName: string;
  /** The field number the change is about. */
  fieldNumber: number;
  /** What changed, e.g. `type changed from string to int64`. */
  change: string;
}

/**
 * A new version of an event type's payload schema that readers of an earlier version could not
 * decode correctly (issue 4, "Schema registry"). Refused before anything is stored.
 */
export class IncompatibleSchemaError extends Error {
  /** Stable code for logs and problem documents. */
  readonly code = "EVENTS_ERR_INCOMPATIBLE_SCHEMA";

  constructor(
    readonly eventType: string,
    readonly messageName: string,
    /** The registered version the candidate was checked against. */
    readonly againstVersion: number,
    readonly changes: readonly SchemaChange[],
  ) {
    const detail = changes.map((c) => `field "${c.fieldName}" = ${c.fieldNumber}: ${c.change}`).join("; ");
    super(
      `incompatible schema for event type "${eventType}" (${messageName}) against registered version ` +
        `${againstVersion}: ${detail}`,
    );
    this.name = "IncompatibleSchemaError";
  }
}

/** decoderFor asked for a version the registry has never stored for that event type. */
export class UnknownSchemaVersionError extends Error {
  /** Stable code for logs and the dead-letter reason. */
  readonly code = "EVENTS_ERR_UNKNOWN_SCHEMA_VERSION";

  constructor(
    readonly eventType: string,
    readonly version: number,
  ) {
    super(`no schema version ${version} is registered for event type "${eventType}"`);
    this.name = "UnknownSchemaVersionError";
  }
}

/** Registration kept losing races with other writers; should not happen outside a runaway loop. */
export class SchemaRegistrationConflictError extends Error {
  /** Stable code for logs. */
  readonly code = "EVENTS_ERR_SCHEMA_REGISTRATION_CONFLICT";

  constructor(
    readonly eventType: string,
    readonly attempts: number,
  ) {
    super(`could not register a schema for "${eventType}" after ${attempts} attempts: other writers kept winning`);
    this.name = "SchemaRegistrationConflictError";
  }
}
