import type { RegisteredSchema } from "@materi/events";

/** A registered schema version as JSON: its fields, without the binary descriptor. */
export function presentSchema(schema: RegisteredSchema) {
  return {
    event_type: schema.eventType,
    version: schema.version,
    message: schema.messageName,
    registered_at: schema.registeredAt,
    fields: schema.fields,
  };
}
