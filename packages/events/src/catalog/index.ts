export {
  EVENT_CATALOG,
  EVENT_TYPES,
  UnknownEventTypeError,
  isEventType,
  payloadSchemaFor,
  type EventType,
  type PayloadSchemaOf,
} from "./eventCatalog.js";
