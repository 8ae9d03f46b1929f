import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import type { SchemaChange } from "./errors.js";

/**
 * The changes from `previous` to `next` that break readers of `previous` (issue 4, "Schema
 * registry"): a field number removed without being reserved, a number reused under another
 * name, a changed type, a changed cardinality (singular / repeated / map), or a new field on a
 * number or name `previous` had reserved. Only the top-level message is compared: payloads are
 * flat, and their message-typed fields are google.protobuf well-known types, which never change.
 * Adding a field, or removing one while reserving its number, is compatible: proto3 readers
 * skip unknown numbers and default missing ones.
 */
export function findIncompatibilities(previous: DescMessage, next: DescMessage): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const old of previous.fields) {
    const now = next.fields.find((field) => field.number === old.number);
    const change = now ? changeBetween(old, now) : removal(old, next);
    if (change !== undefined) changes.push({ fieldName: old.name, fieldNumber: old.number, change });
  }
  for (const added of next.fields) {
    if (previous.fields.some((field) => field.number === added.number)) continue;
    const change = reuseOfReserved(added, previous);
    if (change !== undefined) changes.push({ fieldName: added.name, fieldNumber: added.number, change });
  }
  return changes;
}

function changeBetween(old: DescField, now: DescField): string | undefined {
  if (old.name !== now.name) return `field number reused: now named "${now.name}"`;
  const [oldCardinality, newCardinality] = [cardinalityOf(old), cardinalityOf(now)];
  if (oldCardinality !== newCardinality) return `cardinality changed from ${oldCardinality} to ${newCardinality}`;
  const [oldType, newType] = [typeOf(old), typeOf(now)];
  if (oldType !== newType) return `type changed from ${oldType} to ${newType}`;
  return undefined;
}

function removal(old: DescField, next: DescMessage): string | undefined {
  if (isReservedNumber(next, old.number)) return undefined;
  return "removed without reserving its number";
}

function reuseOfReserved(added: DescField, previous: DescMessage): string | undefined {
  if (isReservedNumber(previous, added.number)) return "added on a field number the previous version reserved";
  if (previous.proto.reservedName.includes(added.name)) return "added with a name the previous version reserved";
  return undefined;
}

/** True when `number` falls in one of `message`'s `reserved` ranges (start inclusive, end exclusive). */
function isReservedNumber(message: DescMessage, number: number): boolean {
  return message.proto.reservedRange.some((range) => number >= range.start && number < range.end);
}

/** "singular", "repeated" or "map", the three shapes a field can take on the wire. */
export function cardinalityOf(field: DescField): "singular" | "repeated" | "map" {
  if (field.fieldKind === "list") return "repeated";
  if (field.fieldKind === "map") return "map";
  return "singular";
}

/** A readable type name: `string`, `int64`, `google.protobuf.Struct`, `map<string, int32>`. */
export function typeOf(field: DescField): string {
  switch (field.fieldKind) {
    case "scalar":
      return scalarName(field.scalar);
    case "enum":
      return field.enum.typeName;
    case "message":
      return field.message.typeName;
    case "list":
      if (field.listKind === "scalar") return scalarName(field.scalar);
      return field.listKind === "enum" ? field.enum.typeName : field.message.typeName;
    case "map": {
      const value =
        field.mapKind === "scalar"
          ? scalarName(field.scalar)
          : field.mapKind === "enum"
            ? field.enum.typeName
            : field.message.typeName;
      return `map<${scalarName(field.mapKey)}, ${value}>`;
    }
  }
}

function scalarName(scalar: ScalarType): string {
  return (ScalarType[scalar] ?? `scalar ${scalar}`).toLowerCase();
}
