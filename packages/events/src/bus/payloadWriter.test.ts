import { create, ScalarType, toBinary, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { DescriptorProtoSchema, FieldDescriptorProtoSchema, FieldOptionsSchema, FileOptionsSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { EVENT_CATALOG } from "../catalog/index.js";
import { payloadBytes } from "./payloadWriter.js";

// A small deterministic generator, so a failure reproduces.
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

const STRINGS = ["", "a", "user-42", "ünïcødé", "日本語", "🙂 emoji", "x".repeat(300), "lone \ud800 surrogate"];
const INTEGERS = [0, 1, 127, 128, 300, 16_384, 2 ** 31 - 1, 2 ** 32 - 1, 2 ** 40, Number.MAX_SAFE_INTEGER];

/** A random value for each scalar field (sometimes its default, sometimes out of the fast path's range). */
function randomInit(schema: DescMessage, next: () => number): Record<string, unknown> {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const init: Record<string, unknown> = {};
  for (const field of schema.fields) {
    if (field.fieldKind !== "scalar" || field.oneof !== undefined || next() < 0.2) continue;
    init[field.localName] = scalarValue(field, pick, next);
  }
  return init;
}

function scalarValue(field: DescField & { fieldKind: "scalar" }, pick: <T>(v: readonly T[]) => T, next: () => number): unknown {
  switch (field.scalar) {
    case ScalarType.STRING:
      return pick(STRINGS);
    case ScalarType.BYTES:
      return new Uint8Array(Math.floor(next() * 200)).map(() => Math.floor(next() * 256));
    case ScalarType.BOOL:
      return next() < 0.5;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return next() < 0.1 ? -BigInt(pick(INTEGERS)) : next() < 0.1 ? 2n ** 60n : BigInt(pick(INTEGERS));
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return BigInt(pick(INTEGERS));
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return next() * 1000;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return pick(INTEGERS.filter((n) => n < 2 ** 32));
    default:
      return (next() < 0.1 ? -1 : 1) * pick(INTEGERS.filter((n) => n < 2 ** 31));
  }
}

function written(schema: DescMessage, message: Message): Buffer {
  const payload = payloadBytes(schema, message);
  const buf = Buffer.alloc(payload.length + 8, 0xee);
  const end = payload.write(buf, 4);
  expect(end - 4).toBe(payload.length);
  return buf.subarray(4, end);
}

describe("payloadBytes", () => {
  it.each(Object.entries(EVENT_CATALOG))("writes toBinary's bytes for %s payloads", (_type, schema: DescMessage) => {
    const next = rng(schema.typeName.length * 7919);
    for (let i = 0; i < 300; i += 1) {
      const message = create(schema, randomInit(schema, next));
      expect(written(schema, message).equals(Buffer.from(toBinary(schema, message))), `${schema.typeName} #${i}`).toBe(true);
    }
  });

  it("matches toBinary for a Struct field, nested messages, repeated fields and proto2 presence (the fallback)", () => {
    const document = create(EVENT_CATALOG["document.updated"], { documentId: "d", workspaceId: "w", action: "updated", content: { a: [1, "x", null, { b: true }] } });
    const descriptor = create(DescriptorProtoSchema, {
      name: "M",
      field: [create(FieldDescriptorProtoSchema, { name: "f", number: 1, jsonName: "" })],
      reservedName: ["x", "y"],
    });
    const proto2Defaults = create(FieldOptionsSchema, { packed: false, lazy: false, deprecated: false });
    const fileOptions = create(FileOptionsSchema, { javaPackage: "p", optimizeFor: 2, ccGenericServices: false });
    for (const [schema, message] of [
      [EVENT_CATALOG["document.updated"], document],
      [DescriptorProtoSchema, descriptor],
      [FieldOptionsSchema, proto2Defaults],
      [FileOptionsSchema, fileOptions],
    ] as Array<[DescMessage, Message]>) {
      expect(written(schema, message).equals(Buffer.from(toBinary(schema, message))), schema.typeName).toBe(true);
    }
  });
});
