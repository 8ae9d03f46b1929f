import {
  AiEventSchema,
  CollaborationEventSchema,
  DocumentEventSchema,
  MembershipEventSchema,
  SystemEventSchema,
  UserEventSchema,
} from "@materi/contracts";
import type { DescMessage } from "@bufbuild/protobuf";

/**
 * The one table of every event type Materi publishes and the generated payload message it
 * carries (ARCHITECTURE.md, "Contracts and events"). The publisher refuses any other message
 * for a type, the registry registers exactly these at start, and the stream table keys off the
 * same names. Add a type here and nowhere else.
 */
export const EVENT_CATALOG = {
  "user.created": UserEventSchema,
  "user.updated": UserEventSchema,
  "user.deleted": UserEventSchema,

  "document.created": DocumentEventSchema,
  "document.updated": DocumentEventSchema,
  "document.deleted": DocumentEventSchema,
  "document.shared": DocumentEventSchema,
  "document.unshared": DocumentEventSchema,

  // Permission changes ride with documents (issue 4: workspace.* -> materi:events:documents).
  "workspace.member_added": MembershipEventSchema,
  "workspace.member_role_changed": MembershipEventSchema,
  "workspace.member_removed": MembershipEventSchema,

  "collaboration.edit": CollaborationEventSchema,
  "collaboration.cursor": CollaborationEventSchema,
  "collaboration.presence": CollaborationEventSchema,

  "ai.generation.started": AiEventSchema,
  "ai.generation.completed": AiEventSchema,
  "ai.generation.failed": AiEventSchema,

  "system.started": SystemEventSchema,
  "system.stopping": SystemEventSchema,
  "system.config_changed": SystemEventSchema,
  "system.maintenance": SystemEventSchema,
} as const satisfies Record<string, DescMessage>;

/** Every event type in the catalog, e.g. "user.created". */
export type EventType = keyof typeof EVENT_CATALOG;

/** The generated payload schema of `T`, e.g. `typeof UserEventSchema` for "user.created". */
export type PayloadSchemaOf<T extends EventType> = (typeof EVENT_CATALOG)[T];

/** Every event type in the catalog, in table order. */
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

/** Thrown for an event_type the catalog does not list (a typo, or a type from a newer release). */
export class UnknownEventTypeError extends Error {
  /** Stable code for logs and the dead-letter reason. */
  readonly code = "EVENTS_ERR_UNKNOWN_EVENT_TYPE";

  constructor(readonly eventType: string) {
    super(`unknown event type "${eventType}": the event catalog (packages/events/src/catalog) does not list it`);
    this.name = "UnknownEventTypeError";
  }
}

/** True when `eventType` is in the catalog; narrows a string read off the wire. */
export function isEventType(eventType: string): eventType is EventType {
  return Object.hasOwn(EVENT_CATALOG, eventType);
}

/** The payload message schema for `eventType`; throws UnknownEventTypeError when it is not listed. */
export function payloadSchemaFor<T extends EventType>(eventType: T): PayloadSchemaOf<T>;
export function payloadSchemaFor(eventType: string): DescMessage;
export function payloadSchemaFor(eventType: string): DescMessage {
  if (!isEventType(eventType)) throw new UnknownEventTypeError(eventType);
  return EVENT_CATALOG[eventType];
}
