import { clone, create, createFileRegistry, type DescMessage } from "@bufbuild/protobuf";
import {
  DescriptorProto_ReservedRangeSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
  type DescriptorProto,
} from "@bufbuild/protobuf/wkt";

/**
 * A copy of `schema` (a message alone in its file, like every payload) with `edit` applied to
 * its DescriptorProto, rebuilt as a DescMessage: what a later release's generated code would
 * hand the registry, without running buf in the test.
 */
export function variantOf(schema: DescMessage, edit: (message: DescriptorProto) => void): DescMessage {
  const file = clone(FileDescriptorProtoSchema, schema.file.proto);
  const message = file.messageType.find((m) => m.name === schema.name);
  if (!message) throw new Error(`${schema.typeName} is not in its own file`);
  edit(message);
  const registry = createFileRegistry(file, (name) => schema.file.dependencies.find((d) => d.proto.name === name));
  const variant = registry.getMessage(schema.typeName);
  if (!variant) throw new Error(`variant of ${schema.typeName} did not build`);
  return variant;
}

/** A proto3 singular string field. */
export function stringField(name: string, number: number) {
  return create(FieldDescriptorProtoSchema, {
    name,
    number,
    type: FieldDescriptorProto_Type.STRING,
    label: FieldDescriptorProto_Label.OPTIONAL,
  });
}

/** Removes field `number`, optionally reserving it (`reserved N;` in the .proto). */
export function removeField(message: DescriptorProto, number: number, reserve: boolean): void {
  message.field = message.field.filter((field) => field.number !== number);
  if (reserve) message.reservedRange.push(create(DescriptorProto_ReservedRangeSchema, { start: number, end: number + 1 }));
}

/** The field numbered `number`; throws when absent. */
export function fieldNumbered(message: DescriptorProto, number: number) {
  const field = message.field.find((f) => f.number === number);
  if (!field) throw new Error(`${message.name} has no field ${number}`);
  return field;
}
