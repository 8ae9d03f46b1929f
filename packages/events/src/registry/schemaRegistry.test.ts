import { create, fromBinary, toBinary, type DescMessage, type Message } from "@bufbuild/protobuf";
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type } from "@bufbuild/protobuf/wkt";
import { EventEnvelopeSchema, UserEventSchema } from "@materi/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../catalog/index.js";
import { buildEnvelope, decodeEnvelope } from "../envelope/index.js";
import { IncompatibleSchemaError, UnknownSchemaVersionError, createSchemaRegistry, type SchemaRegistry } from "./index.js";
import { openRegistryDatabases, type RegistryDatabases } from "./test-support/registryDatabase.js";
import { fieldNumbered, removeField, stringField, variantOf } from "./test-support/schemaVariants.js";

const EMAIL = 2;
const withDisplayName = () => variantOf(UserEventSchema, (m) => m.field.push(stringField("display_name", 5)));

async function refusal(registry: SchemaRegistry, schema: DescMessage): Promise<IncompatibleSchemaError> {
  const error = await registry.register("user.created", schema).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(IncompatibleSchemaError);
  return error as IncompatibleSchemaError;
}

describe("schema registry (PostgreSQL)", () => {
  let databases: RegistryDatabases;
  let registry: SchemaRegistry;

  beforeAll(async () => {
    databases = await openRegistryDatabases("schema_registry");
    registry = createSchemaRegistry(databases.pools[0]!);
  });
  afterAll(async () => databases?.close());

  it("registers every catalog entry once, and again only returns the same versions", async () => {
    const versions = await registry.registerCatalog();
    expect(Object.keys(versions).sort()).toEqual([...EVENT_TYPES].sort());
    expect(new Set(Object.values(versions))).toEqual(new Set([1]));
    expect(await registry.registerCatalog()).toEqual(versions);
    // A fresh process (empty cache) sees the stored descriptors as unchanged.
    expect(await createSchemaRegistry(databases.pools[0]!).registerCatalog()).toEqual(versions);
    expect(registry.catalogVersion("document.shared")).toBe(1);
    const { rows } = await databases.pools[0]!.query<{ n: string }>("select count(*) as n from events.schema_versions");
    expect(Number(rows[0]?.n)).toBe(EVENT_TYPES.length);
  });

  it("lists stored versions with their fields", async () => {
    const userCreated = (await registry.list()).find((s) => s.eventType === "user.created" && s.version === 1);
    expect(userCreated).toMatchObject({ messageName: "materi.events.v1.UserEvent", registeredAt: expect.any(Date) });
    expect(userCreated?.fields).toEqual([
      { number: 1, name: "user_id", type: "string", cardinality: "singular", required: true },
      { number: 2, name: "email", type: "string", cardinality: "singular", required: false },
      { number: 3, name: "action", type: "string", cardinality: "singular", required: true },
      { number: 4, name: "changes", type: "google.protobuf.Struct", cardinality: "singular", required: false },
    ]);
  });

  it("refuses a version that changes a field's type, naming the field", async () => {
    const retyped = variantOf(UserEventSchema, (m) => (fieldNumbered(m, EMAIL).type = FieldDescriptorProto_Type.INT64));
    const error = await refusal(registry, retyped);
    expect(error.changes).toEqual([{ fieldName: "email", fieldNumber: 2, change: "type changed from string to int64" }]);
    expect(error.message).toContain('event type "user.created"');
    expect(error.message).toContain('field "email" = 2: type changed from string to int64');
  });

  it("refuses a version that reuses a field number under another name", async () => {
    const reused = variantOf(UserEventSchema, (m) => {
      removeField(m, EMAIL, false);
      m.field.push(stringField("locale", EMAIL));
    });
    const error = await refusal(registry, reused);
    expect(error.message).toContain('field "email" = 2: field number reused: now named "locale"');
  });

  it("refuses a changed cardinality, a removal without reserve, and a reserved number brought back", async () => {
    const repeated = variantOf(UserEventSchema, (m) => (fieldNumbered(m, EMAIL).label = FieldDescriptorProto_Label.REPEATED));
    expect((await refusal(registry, repeated)).message).toContain('"email" = 2: cardinality changed from singular to repeated');
    const dropped = variantOf(UserEventSchema, (m) => removeField(m, EMAIL, false));
    expect((await refusal(registry, dropped)).message).toContain('"email" = 2: removed without reserving its number');
    const versions = await registry.list();
    expect(versions.filter((s) => s.eventType === "user.created").map((s) => s.version)).toEqual([1]);
  });

  it("accepts a compatible version, and both versions decode bytes written with either", async () => {
    const v2Schema = withDisplayName();
    expect(await registry.register("user.created", v2Schema)).toBe(2);
    expect(await registry.register("user.created", v2Schema)).toBe(2);
    // A replica still on the old build keeps publishing as version 1.
    expect(await registry.register("user.created", UserEventSchema)).toBe(1);

    const v1Bytes = toBinary(UserEventSchema, create(UserEventSchema, { userId: "u1", email: "a@b.c", action: "created" }));
    const v2Bytes = toBinary(v2Schema, create(v2Schema, { userId: "u2", email: "d@e.f", action: "created", displayName: "Dee" }));
    // A fresh registry reads the descriptors from the database, not from this build's code.
    const reader = createSchemaRegistry(databases.pools[0]!);
    const [v1, v2] = await Promise.all([reader.decoderFor("user.created", 1), reader.decoderFor("user.created", 2)]);
    expect(fields(v1.decode(v1Bytes))).toEqual({ userId: "u1", email: "a@b.c", action: "created" });
    expect(fields(v1.decode(v2Bytes))).toEqual({ userId: "u2", email: "d@e.f", action: "created" });
    expect(fields(v2.decode(v1Bytes))).toEqual({ userId: "u1", email: "a@b.c", action: "created", displayName: "" });
    expect(fields(v2.decode(v2Bytes))).toEqual({ userId: "u2", email: "d@e.f", action: "created", displayName: "Dee" });
  });

  it("then accepts removing a field whose number is reserved", async () => {
    const v3Schema = variantOf(withDisplayName(), (m) => removeField(m, 5, true));
    expect(await registry.register("user.created", v3Schema)).toBe(3);
    const reusesReserved = variantOf(v3Schema, (m) => m.field.push(stringField("nickname", 5)));
    expect((await refusal(registry, reusesReserved)).message).toContain(
      'field "nickname" = 5: added on a field number the previous version reserved',
    );
  });

  it("decodes an envelope's payload with the version its metadata names", async () => {
    const v2Schema = withDisplayName();
    const payload = create(v2Schema, { userId: "u9", action: "updated", displayName: "Nine" });
    const built = buildEnvelope({
      eventType: "user.updated",
      payload: create(UserEventSchema, { userId: "u9", action: "updated" }),
      sourceService: "shield",
      correlationId: "req-9",
      schemaVersion: 1,
    });
    // As a newer publisher would write it: same envelope, v2 payload bytes, schema_version 2.
    await registry.register("user.updated", v2Schema);
    const envelope = fromBinary(EventEnvelopeSchema, built);
    envelope.payload = toBinary(v2Schema, payload);
    envelope.metadata["schema_version"] = "2";
    const decoded = await decodeEnvelope(toBinary(EventEnvelopeSchema, envelope), registry);
    expect(decoded.schemaVersion).toBe(2);
    expect(fields(decoded.payload)).toMatchObject({ userId: "u9", displayName: "Nine" });
    await expect(registry.decoderFor("user.updated", 7)).rejects.toBeInstanceOf(UnknownSchemaVersionError);
    envelope.metadata["schema_version"] = "7";
    await expect(decodeEnvelope(toBinary(EventEnvelopeSchema, envelope), registry)).rejects.toThrow(
      'no schema version 7 is registered for event type "user.updated"',
    );
  });
});

describe("schema registry under concurrent replicas", () => {
  let databases: RegistryDatabases;
  beforeAll(async () => (databases = await openRegistryDatabases("schema_registry_race", 4)));
  afterAll(async () => databases?.close());

  it("ends with one version per type when 4 replicas register the catalog at once", async () => {
    const results = await Promise.all(databases.pools.map((db) => createSchemaRegistry(db).registerCatalog()));
    for (const result of results) expect(result).toEqual(results[0]);
    const { rows } = await databases.pools[0]!.query<{ event_type: string; n: string; max: number }>(
      "select event_type, count(*) as n, max(version) as max from events.schema_versions group by event_type",
    );
    expect(rows).toHaveLength(EVENT_TYPES.length);
    expect(rows.every((row) => Number(row.n) === 1 && row.max === 1)).toBe(true);
  });

  it("gives two different schemas registered at once distinct versions", async () => {
    // Compatible in either order (a reserved name changes the descriptor, not the fields), so
    // whichever replica wins, the other must be stored as the next version, not lost or refused.
    const reserving = variantOf(UserEventSchema, (m) => m.reservedName.push("legacy_email"));
    const schemas = [UserEventSchema, reserving, UserEventSchema, reserving];
    const registries = databases.pools.map((db) => createSchemaRegistry(db));
    const versions = await Promise.all(registries.map((r, i) => r.register("test.race", schemas[i]!)));
    expect(versions[0]).toBe(versions[2]);
    expect(versions[1]).toBe(versions[3]);
    expect(new Set(versions)).toEqual(new Set([1, 2]));
  });
});

/** A message's own fields, without $typeName and $unknown. */
function fields(message: Message): Record<string, unknown> {
  return Object.fromEntries(Object.entries(message).filter(([key]) => !key.startsWith("$")));
}
