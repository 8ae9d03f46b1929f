import { getOption, isFieldSet, type DescField, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { required } from "./gen/materi/options/v1/options_pb.js";

/**
 * The fields of `schema` marked `[(materi.options.v1.required) = true]` in the proto. Read from
 * the descriptor embedded in the generated code, so the .proto stays the only place the rule
 * is written down (no hand table to forget when a field is added).
 */
export function requiredFields(schema: DescMessage): DescField[] {
  // Reading options decodes them each time (tens of µs and garbage per call); a descriptor
  // never changes, so once per schema is enough on the publish and consume paths.
  let fields = cache.get(schema);
  if (!fields) {
    fields = schema.fields.filter((field) => getOption(field, required));
    cache.set(schema, fields);
  }
  return fields;
}

const cache = new WeakMap<DescMessage, DescField[]>();

/**
 * The required fields `message` leaves unset, in field-number order. "Unset" is protobuf's
 * own notion (`isFieldSet`): an empty string, zero-length bytes, an absent message, an empty
 * list or map; 0 and false too for fields without explicit presence, which is why the option's
 * doc asks for `optional` on a required number.
 */
export function missingRequiredFields<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): DescField[] {
  return requiredFields(schema).filter((field) => !isFieldSet(message, field));
}
