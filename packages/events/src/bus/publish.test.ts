import { create, fromBinary } from "@bufbuild/protobuf";
import { EventEnvelopeSchema, UserEventSchema } from "@materi/contracts";
import { runWithContext } from "@materi/platform";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogDecoders, decodeEnvelope, MissingRequiredFieldError, WrongPayloadTypeError } from "../envelope/index.js";
import { createSchemaRegistry } from "../registry/index.js";
import { openRegistryDatabases, type RegistryDatabases } from "../registry/test-support/registryDatabase.js";
import { removeField, variantOf } from "../registry/test-support/schemaVariants.js";
import { streamName } from "../streams.js";
import { createRedisTransport, type RedisTransport } from "../transports/redis.js";
import { recordingLogger, requireTestRedis, uniquePrefix } from "../transports/test-support/testTransports.js";
import { createEventBus } from "./createEventBus.js";
import type { EventBus } from "./EventBus.js";
import { documentUpdated, userCreated } from "./test-support/busFixtures.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("bus.publish on Redis", () => {
  let transport: RedisTransport;
  let raw: Redis;
  let prefix: string;
  let bus: EventBus;

  beforeAll(async () => {
    const url = await requireTestRedis();
    transport = createRedisTransport({ url, connectionName: "bus-publish-test" });
    raw = new Redis(url);
    prefix = uniquePrefix("bus-publish");
    bus = createEventBus({ service: "shield", transport, logger: recordingLogger(), streamPrefix: prefix });
  });

  afterAll(async () => {
    await raw.del(streamName("users", prefix), streamName("documents", prefix));
    raw.disconnect();
    await transport.close();
  });

  const entries = async (domain: "users" | "documents") => (await raw.xrangeBuffer(streamName(domain, prefix), "-", "+")) as Array<[Buffer, Buffer[]]>;

  it("refuses a payload of the wrong type and one missing a required field, appending nothing", async () => {
    // The casts stand for a caller the compiler cannot check (plain JS, a payload built at runtime).
    await expect(bus.publish("user.created", documentUpdated("d-1", 1) as never)).rejects.toBeInstanceOf(WrongPayloadTypeError);
    const noAction = create(UserEventSchema, { userId: "u-1", email: "a@example.com" });
    await expect(bus.publish("user.created", noAction)).rejects.toThrow(MissingRequiredFieldError);
    await expect(bus.publish("user.created", noAction)).rejects.toMatchObject({ fields: ["action"] });
    // One bad event refuses the whole batch, before anything is sent.
    const batch = bus.publishMany([{ eventType: "user.created", payload: userCreated(1) }, { eventType: "user.created", payload: noAction }]);
    await expect(batch).rejects.toBeInstanceOf(MissingRequiredFieldError);
    expect(await raw.exists(streamName("users", prefix))).toBe(0);
  });

  it("appends the spec's envelope, with event_type beside it, to materi:events:users", async () => {
    const before = Date.now();
    const result = await runWithContext({ correlationId: "req-7" }, () => bus.publish("user.created", userCreated(7)));
    const after = Date.now();
    const [[id, fields]] = (await entries("users")) as [[Buffer, Buffer[]]];
    expect(id.toString()).toBe(result.entryId);
    expect(fields.map((f, i) => (i % 2 === 0 ? f.toString() : undefined)).filter(Boolean)).toEqual(["envelope", "event_type"]);
    expect(fields[3]!.toString()).toBe("user.created");

    const envelope = fromBinary(EventEnvelopeSchema, fields[1]!);
    expect(envelope.eventId).toMatch(UUID_V4);
    expect(envelope.eventId).toBe(result.eventId);
    expect(envelope).toMatchObject({ eventType: "user.created", sourceService: "shield", correlationId: "req-7" });
    const millis = Number(envelope.timestamp!.seconds) * 1000 + envelope.timestamp!.nanos / 1e6;
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(after);
    // No tracing initialised here: no traceparent (bus.tracing.test.ts covers it).
    expect(envelope.metadata).toEqual({ schema_version: "1" });
    expect(fromBinary(UserEventSchema, envelope.payload)).toMatchObject({ userId: "user-7", email: "user7@example.com", action: "created" });
    const decoded = await decodeEnvelope(fields[1]!, catalogDecoders);
    expect(decoded.payload).toEqual(userCreated(7));
  });

  it("publishMany appends in input order, routing each type to its stream", async () => {
    const results = await bus.publishMany([
      { eventType: "user.created", payload: userCreated(100) },
      { eventType: "document.updated", payload: documentUpdated("d-1", 1) },
      { eventType: "user.created", payload: userCreated(101) },
      { eventType: "document.updated", payload: documentUpdated("d-1", 2) },
    ]);
    expect(new Set(results.map((r) => r.eventId)).size).toBe(4);
    const users = (await entries("users")).slice(-2).map(([id]) => id.toString());
    const documents = (await entries("documents")).map(([id]) => id.toString());
    expect(users).toEqual([results[0]!.entryId, results[2]!.entryId]);
    expect(documents).toEqual([results[1]!.entryId, results[3]!.entryId]);
  });
});

describe("bus.publish with a schema registry", () => {
  let registryDb: RegistryDatabases;
  let transport: RedisTransport;
  const prefix = uniquePrefix("bus-registry");

  beforeAll(async () => {
    registryDb = await openRegistryDatabases("bus_registry");
    transport = createRedisTransport({ url: await requireTestRedis(), connectionName: "bus-registry-test" });
  });

  afterAll(async () => {
    await transport.deleteStream(streamName("users", prefix));
    await transport.close();
    await registryDb.close();
  });

  it("writes the registry's version of the type into metadata.schema_version", async () => {
    const registry = createSchemaRegistry(registryDb.pools[0]!);
    // An older release's UserEvent (without field 4) was registered first: this build's is version 2.
    await registry.register("user.created", variantOf(UserEventSchema, (m) => removeField(m, 4, false)));
    await registry.registerCatalog();
    expect(registry.catalogVersion("user.created")).toBe(2);

    const bus = createEventBus({ service: "shield", transport, registry, logger: recordingLogger(), streamPrefix: prefix });
    await bus.publish("user.created", userCreated(1));
    const [entry] = await transport.range(streamName("users", prefix));
    const decoded = await decodeEnvelope(entry!.fields["envelope"]!, registry);
    expect(decoded.schemaVersion).toBe(2);
    expect(decoded.envelope.metadata["schema_version"]).toBe("2");
  });
});
