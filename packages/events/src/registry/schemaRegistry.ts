import type { DescMessage } from "@bufbuild/protobuf";
import type { Database } from "@materi/platform";
import { EVENT_CATALOG, EVENT_TYPES, type EventType } from "../catalog/index.js";
import { findIncompatibilities } from "./compatibility.js";
import { descriptorFingerprint, descriptorSetFor } from "./descriptors.js";
import { IncompatibleSchemaError, SchemaRegistrationConflictError, UnknownSchemaVersionError } from "./errors.js";
import {
  insertVersion,
  selectAllVersions,
  selectVersionsOf,
  type PayloadDecoder,
  type RegisteredSchema,
  type StoredVersion,
} from "./storedVersions.js";

/** Every catalog event type and the registry version of the schema this build was compiled with. */
export type CatalogVersions = Readonly<Record<EventType, number>>;

/**
 * event_type -> ordered versions of its payload message, stored in events.schema_versions
 * (ARCHITECTURE.md, "Contracts and events"), queried on publish and consume.
 */
export interface SchemaRegistry {
  /**
   * Stores `schema` as the next version of `eventType` and returns its version number. Returns
   * the existing number when an identical descriptor is already stored (any version, so an old
   * replica in a rolling deploy gets its own version back). Throws IncompatibleSchemaError when a
   * stored version's readers could not decode the new one.
   */
  register(eventType: string, schema: DescMessage): Promise<number>;
  /** Registers every catalog entry (at service start); returns each type's version. */
  registerCatalog(): Promise<CatalogVersions>;
  /** The version registerCatalog gave `eventType`: what this build's publisher writes. */
  catalogVersion(eventType: string): number;
  /** Every stored version, by event type then version (for `GET /internal/schemas`). */
  list(): Promise<RegisteredSchema[]>;
  /** A decoder for payloads written with `version`; throws UnknownSchemaVersionError if never stored. */
  decoderFor(eventType: string, version: number): Promise<PayloadDecoder>;
}

// Each attempt loses only when another writer stored the same version number between our read
// and our insert, so a handful covers any realistic number of replicas starting together.
const MAX_ATTEMPTS = 8;

/**
 * The registry on `db` (which must have run schemaRegistryMigrations). Versions are cached in
 * memory: they never change once stored, so the cache only ever misses, never goes stale.
 */
export function createSchemaRegistry(db: Pick<Database, "query" | "transaction">): SchemaRegistry {
  const cache = new VersionCache();
  let catalogVersions: CatalogVersions | undefined;

  async function register(eventType: string, schema: DescMessage): Promise<number> {
    const descriptor = descriptorSetFor(schema);
    const fingerprint = descriptorFingerprint(descriptor);
    const known = cache.find(eventType, fingerprint);
    if (known) return known.version;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      // Read, check and insert in one transaction; a concurrent writer of the same version number
      // makes our insert a no-op (on conflict do nothing), and the next attempt re-reads its row.
      const outcome = await db.transaction(async (tx) => {
        const stored = await selectVersionsOf(tx, eventType);
        cache.replace(eventType, stored);
        const same = stored.find((version) => version.fingerprint === fingerprint);
        if (same) return same;
        refuseIncompatible(eventType, schema, stored);
        const version = (stored.at(-1)?.version ?? 0) + 1;
        return insertVersion(tx, { event_type: eventType, version, message_name: schema.typeName, descriptor });
      });
      if (outcome) {
        cache.add(outcome);
        return outcome.version;
      }
    }
    throw new SchemaRegistrationConflictError(eventType, MAX_ATTEMPTS);
  }

  async function registerCatalog(): Promise<CatalogVersions> {
    // One query primes the cache, so a restart with unchanged schemas costs no transaction.
    if (!cache.primed) cache.prime(await selectAllVersions(db));
    const versions: Partial<Record<EventType, number>> = {};
    // Sequential on purpose: a score of boot-time transactions at once would take the whole pool.
    for (const eventType of EVENT_TYPES) versions[eventType] = await register(eventType, EVENT_CATALOG[eventType]);
    catalogVersions = versions as CatalogVersions;
    return catalogVersions;
  }

  function catalogVersion(eventType: string): number {
    const version = catalogVersions?.[eventType as EventType];
    if (version === undefined) {
      throw new Error(`no catalog version for "${eventType}": call registerCatalog() at start, and check the type`);
    }
    return version;
  }

  async function decoderFor(eventType: string, version: number): Promise<PayloadDecoder> {
    let stored = cache.get(eventType, version);
    if (!stored) {
      // A version newer than our cache (another service registered it since): read it once.
      cache.replace(eventType, await selectVersionsOf(db, eventType));
      stored = cache.get(eventType, version);
    }
    if (!stored) throw new UnknownSchemaVersionError(eventType, version);
    return stored.decoder();
  }

  async function list(): Promise<RegisteredSchema[]> {
    const all = await selectAllVersions(db);
    cache.prime(all);
    return all.map((version) => version.toRegisteredSchema());
  }

  return { register, registerCatalog, catalogVersion, list, decoderFor };
}

/**
 * Checked against every stored version, newest first, not only the latest: a number reserved in
 * v2 and quietly un-reserved in v4 would otherwise let v4 reuse what v1 meant.
 */
function refuseIncompatible(eventType: string, schema: DescMessage, stored: readonly StoredVersion[]): void {
  for (const previous of [...stored].reverse()) {
    const changes = findIncompatibilities(previous.schema, schema);
    if (changes.length > 0) throw new IncompatibleSchemaError(eventType, schema.typeName, previous.version, changes);
  }
}

/** Stored versions by event type; entries are immutable, so replacing a type's list is always safe. */
class VersionCache {
  private readonly byType = new Map<string, StoredVersion[]>();
  primed = false;

  prime(all: readonly StoredVersion[]): void {
    const grouped = new Map<string, StoredVersion[]>();
    for (const version of all) grouped.set(version.eventType, [...(grouped.get(version.eventType) ?? []), version]);
    for (const [eventType, versions] of grouped) this.replace(eventType, versions);
    this.primed = true;
  }

  replace(eventType: string, versions: StoredVersion[]): void {
    // Keep already-parsed entries: a re-read must not throw away DescMessages built earlier.
    const previous = this.byType.get(eventType) ?? [];
    this.byType.set(
      eventType,
      versions.map((version) => previous.find((p) => p.version === version.version) ?? version),
    );
  }

  add(version: StoredVersion): void {
    const versions = (this.byType.get(version.eventType) ?? []).filter((v) => v.version !== version.version);
    this.byType.set(version.eventType, [...versions, version].sort((a, b) => a.version - b.version));
  }

  get(eventType: string, version: number): StoredVersion | undefined {
    return this.byType.get(eventType)?.find((v) => v.version === version);
  }

  find(eventType: string, fingerprint: string): StoredVersion | undefined {
    return this.byType.get(eventType)?.find((v) => v.fingerprint === fingerprint);
  }
}
