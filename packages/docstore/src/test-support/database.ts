import { createDatabase, createLogger, runMigrations, type Database, type Logger } from "@materi/platform";
import { createTestDatabase } from "../../../../test/helpers/postgres.js";
import { docstoreMigrations } from "../store/migrations.js";

/** A quiet logger for tests. */
export const silentLogger: Logger = createLogger({ service: "docstore-test", level: "silent" });

export interface MigratedDatabase {
  url: string;
  /** A pool on the fresh database; more with `open()`. */
  db: Database;
  /** Another pool on the same database, as a second process would have; closed by `drop`. */
  open(): Database;
  /** Closes every pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh real PostgreSQL database with the docstore migrations applied. */
export async function createMigratedDatabase(prefix: string): Promise<MigratedDatabase> {
  const test = await createTestDatabase(prefix);
  const pools: Database[] = [];
  const open = (): Database => {
    const db = createDatabase({ url: test.url, poolSize: 4 });
    pools.push(db);
    return db;
  };
  const db = open();
  await runMigrations(db, { owner: "docstore", migrations: docstoreMigrations });
  return {
    url: test.url,
    db,
    open,
    drop: async () => {
      await Promise.all(pools.map((p) => p.close()));
      await test.drop();
    },
  };
}
