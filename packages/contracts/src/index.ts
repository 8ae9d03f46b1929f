// Wire contracts: the generated protobuf schemas and types (src/gen, from proto/ by
// `npm run generate`), helpers that read our custom options, and the relay's close codes.
export { CloseCodes, type CloseCode } from "./closeCodes.js";
export { requiredFields, missingRequiredFields } from "./requiredFields.js";
export { required as requiredOption } from "./gen/materi/options/v1/options_pb.js";
export { EventEnvelopeSchema, type EventEnvelope } from "./gen/materi/events/v1/envelope_pb.js";
export { UserEventSchema, type UserEvent } from "./gen/materi/events/v1/user_event_pb.js";
export { DocumentEventSchema, type DocumentEvent } from "./gen/materi/events/v1/document_event_pb.js";
export {
  CollaborationEventSchema,
  type CollaborationEvent,
} from "./gen/materi/events/v1/collaboration_event_pb.js";
export { AiEventSchema, type AiEvent } from "./gen/materi/events/v1/ai_event_pb.js";
export { SystemEventSchema, type SystemEvent } from "./gen/materi/events/v1/system_event_pb.js";
export { MembershipEventSchema, type MembershipEvent } from "./gen/materi/events/v1/membership_event_pb.js";
export { ROLES, SHARE_ROLES, isRole, atLeast, higher, canEdit, type Role, type ShareRole } from "./roles.js";
