export {
  buildEnvelope,
  createEnvelope,
  isUuid,
  EnvelopeMetadata,
  type BuildEnvelopeInput,
} from "./buildEnvelope.js";
export {
  decodeEnvelope,
  catalogDecoders,
  type DecodedEnvelope,
  type PayloadDecoderSource,
} from "./decodeEnvelope.js";
export {
  InvalidEventError,
  MalformedEnvelopeError,
  MissingRequiredFieldError,
  WrongPayloadTypeError,
  type InvalidEventReason,
} from "./errors.js";
