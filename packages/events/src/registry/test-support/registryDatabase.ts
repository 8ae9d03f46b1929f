import { createDatabase, runMigrations, type Database } from "@materi/platform";
import { createTestDatabase, type TestDatabase } from "../../../../../test/helpers/postgres.js";
import { SCHEMA_REGISTRY_OWNER, schemaRegistryMigrations } from "../migrations.js";

/** A fresh PostgreSQL database with the registry's migrations applied, and `count` pools on it. */
export interface RegistryDatabases {
  url: string;
  pools: Database[];
  /** Closes every pool, then drops the database. */
  close(): Promise<void>;
}

/**
 * `count` independent Database instances on one fresh database, as `count` service replicas
 * would have; the migrations run from all of them at once, like replicas booting together.
 */
export async function openRegistryDatabases(prefix: string, count = 1): Promise<RegistryDatabases> {
  const testDb: TestDatabase = await createTestDatabase(prefix);
  const pools = Array.from({ length: count }, () => createDatabase({ url: testDb.url, poolSize: 3 }));
  try {
    const migrations = { owner: SCHEMA_REGISTRY_OWNER, migrations: schemaRegistryMigrations };
    await Promise.all(pools.map((db) => runMigrations(db, migrations)));
  } catch (err) {
    await Promise.all(pools.map((db) => db.close()));
    await testDb.drop();
    throw err;
  }
  return {
    url: testDb.url,
    pools,
    async close() {
      await Promise.all(pools.map((db) => db.close()));
      await testDb.drop();
    },
  };
}
