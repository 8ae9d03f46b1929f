import { create, createFileRegistry, fromBinary, toBinary, type DescFile, type DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { createHash } from "node:crypto";

/**
 * Serializes `schema`'s file and everything it imports, dependencies first, as a
 * google.protobuf.FileDescriptorSet: the form the registry stores, self-contained so a reader
 * needs nothing else to rebuild the message.
 */
export function descriptorSetFor(schema: DescMessage): Uint8Array {
  const ordered: FileDescriptorProto[] = [];
  const seen = new Set<string>();
  const visit = (file: DescFile): void => {
    if (seen.has(file.proto.name)) return;
    seen.add(file.proto.name);
    for (const dependency of file.dependencies) visit(dependency);
    ordered.push(file.proto);
  };
  visit(schema.file);
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: ordered }));
}

/** Rebuilds message `messageName` from a stored FileDescriptorSet; throws when it is not in the set. */
export function messageFromDescriptorSet(descriptor: Uint8Array, messageName: string): DescMessage {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptor));
  const message = registry.getMessage(messageName);
  if (!message) throw new Error(`the stored descriptor set has no message "${messageName}"`);
  return message;
}

/**
 * A digest of the set's own files, leaving out google/protobuf/*: those come with the
 * @bufbuild/protobuf runtime, and an upgrade that touches descriptor.proto must not make every
 * event type register a new, identical-in-substance version.
 */
export function descriptorFingerprint(descriptor: Uint8Array): string {
  const set = fromBinary(FileDescriptorSetSchema, descriptor);
  const own = set.file.filter((file) => !file.name.startsWith("google/protobuf/"));
  const bytes = toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: own }));
  return createHash("sha256").update(bytes).digest("hex");
}
