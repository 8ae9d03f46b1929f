import { fromBinary, getOption, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { requiredOption } from "@materi/contracts";
import type { Queryable } from "@materi/platform";
import { cardinalityOf, typeOf } from "./compatibility.js";
import { descriptorFingerprint, messageFromDescriptorSet } from "./descriptors.js";

/** Decodes payload bytes written with one registered version of an event type's schema. */
export interface PayloadDecoder {
  readonly eventType: string;
  readonly version: number;
  /** Fully qualified message name, e.g. "materi.events.v1.UserEvent". */
  readonly messageName: string;
  /** The message rebuilt from the stored descriptor, not the generated one. */
  readonly schema: DescMessage;
  /** Decodes `bytes`; throws on bytes that are not a valid encoding of the message. */
  decode(bytes: Uint8Array): Message;
}

/** One field of a registered version, as `list()` shows it. */
export interface RegisteredField {
  number: number;
  name: string;
  /** e.g. "string", "google.protobuf.Struct", "map<string, string>". */
  type: string;
  cardinality: "singular" | "repeated" | "map";
  /** Marked `[(materi.options.v1.required) = true]`. */
  required: boolean;
}

/** One row of events.schema_versions, with its fields spelled out for `GET /internal/schemas`. */
export interface RegisteredSchema {
  eventType: string;
  version: number;
  messageName: string;
  registeredAt: Date;
  /** Serialized google.protobuf.FileDescriptorSet: the message's file and all its imports. */
  descriptor: Uint8Array;
  fields: RegisteredField[];
}

interface VersionRow {
  event_type: string;
  version: number;
  message_name: string;
  descriptor: Uint8Array;
  registered_at: Date;
}

/**
 * A stored version, parsed lazily: most registrations at boot only compare fingerprints, and
 * building a DescMessage from a descriptor set is the expensive part.
 */
export class StoredVersion {
  private parsed: DescMessage | undefined;
  private digest: string | undefined;

  constructor(private readonly row: VersionRow) {}

  get eventType(): string {
    return this.row.event_type;
  }

  get version(): number {
    return this.row.version;
  }

  get messageName(): string {
    return this.row.message_name;
  }

  get fingerprint(): string {
    this.digest ??= descriptorFingerprint(this.row.descriptor);
    return this.digest;
  }

  get schema(): DescMessage {
    this.parsed ??= messageFromDescriptorSet(this.row.descriptor, this.row.message_name);
    return this.parsed;
  }

  decoder(): PayloadDecoder {
    const schema = this.schema;
    return {
      eventType: this.eventType,
      version: this.version,
      messageName: this.messageName,
      schema,
      decode: (bytes) => fromBinary(schema, bytes),
    };
  }

  toRegisteredSchema(): RegisteredSchema {
    return {
      eventType: this.eventType,
      version: this.version,
      messageName: this.messageName,
      registeredAt: this.row.registered_at,
      descriptor: this.row.descriptor,
      fields: this.schema.fields.map(describeField),
    };
  }
}

function describeField(field: DescField): RegisteredField {
  const { number, name } = field;
  return { number, name, type: typeOf(field), cardinality: cardinalityOf(field), required: getOption(field, requiredOption) };
}

const COLUMNS = "event_type, version, message_name, descriptor, registered_at";

/** Every stored version, ordered by event type then version. */
export async function selectAllVersions(db: Queryable): Promise<StoredVersion[]> {
  const result = await db.query<VersionRow>(`select ${COLUMNS} from events.schema_versions order by event_type, version`);
  return result.rows.map((row) => new StoredVersion(row));
}

/** The stored versions of one event type, oldest first. */
export async function selectVersionsOf(db: Queryable, eventType: string): Promise<StoredVersion[]> {
  const result = await db.query<VersionRow>(
    `select ${COLUMNS} from events.schema_versions where event_type = $1 order by version`,
    [eventType],
  );
  return result.rows.map((row) => new StoredVersion(row));
}

/** Inserts `version` unless another writer stored that number first; returns the row when it won. */
export async function insertVersion(
  db: Queryable,
  row: Omit<VersionRow, "registered_at">,
): Promise<StoredVersion | undefined> {
  const result = await db.query<VersionRow>(
    `insert into events.schema_versions (event_type, version, message_name, descriptor)
     values ($1, $2, $3, $4)
     on conflict (event_type, version) do nothing
     returning ${COLUMNS}`,
    // pg sends a Buffer as bytea; a bare Uint8Array is not guaranteed to be treated the same.
    [row.event_type, row.version, row.message_name, Buffer.from(row.descriptor)],
  );
  const stored = result.rows[0];
  return stored ? new StoredVersion(stored) : undefined;
}
