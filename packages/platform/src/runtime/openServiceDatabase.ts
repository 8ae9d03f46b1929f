import type { Logger } from "pino";
import { dataDirOf, type BaseConfig } from "../config/baseConfig.js";
import { createDatabase, runMigrations, startEmbeddedPostgres, type Database, type Migration } from "../db/index.js";
import { BREAKER_SETTINGS, createBreaker, isDatabaseConnectionFailure, type Breaker } from "../resilience/index.js";
import type { SharedRuntime } from "./types.js";

/** One schema owner's migrations, e.g. `{ owner: "shield", migrations: [...] }`. */
export interface SchemaMigrations {
  owner: string;
  migrations: Migration[];
}

export interface ServiceDatabase {
  db: Database;
  breaker: Breaker;
  close(): Promise<void>;
}

/**
 * Connects a service to PostgreSQL: DATABASE_URL when set, the launcher's embedded database
 * when shared, else an embedded PGlite of its own under MATERI_DATA_DIR. The pool runs behind
 * the spec's database breaker; each owner's migrations run under that owner's advisory lock.
 */
export async function openServiceDatabase(options: {
  service: string;
  config: BaseConfig;
  shared: SharedRuntime;
  logger: Logger;
  schemas: readonly SchemaMigrations[];
}): Promise<ServiceDatabase> {
  const { config, shared, logger } = options;
  let embeddedServer: { url: string; close(): Promise<void> } | undefined;
  let url = config.DATABASE_URL;
  let embedded = false;
  if (!url && shared.database) {
    url = shared.database.url;
    embedded = shared.database.embedded;
  } else if (!url) {
    // The same directory the all-in-one launcher uses, so data follows the user between both ways
    // of running; the lock file stops two processes from sharing it.
    const dataDir = dataDirOf(config);
    embeddedServer = await startEmbeddedPostgres({ dataDir, maxConnections: config.DATABASE_POOL_SIZE });
    url = embeddedServer.url;
    embedded = true;
    logger.info({ dataDir }, "DATABASE_URL is not set: using embedded PGlite");
  }
  // Only an unreachable database trips the breaker; a constraint violation proves it answered.
  const breaker = createBreaker({ name: "database", settings: BREAKER_SETTINGS.database, isFailure: isDatabaseConnectionFailure });
  const db = createDatabase({
    url,
    embedded,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: `materi-${options.service}`,
    guard: (fn) => breaker.execute(() => fn()),
  });
  try {
    for (const schema of options.schemas) await runMigrations(db, { ...schema, logger });
  } catch (err) {
    await db.close();
    await embeddedServer?.close();
    throw err;
  }
  return {
    db,
    breaker,
    async close() {
      await db.close();
      await embeddedServer?.close();
    },
  };
}
