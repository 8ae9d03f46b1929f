// The database layer every service uses, the same on real PostgreSQL and on embedded PGlite.
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from "./embedded.js";
export { DataDirLockedError, LOCK_FILE_NAME } from "./dataDirLock.js";
export {
  createDatabase,
  type Database,
  type DatabaseOptions,
  type Guard,
  type Queryable,
  type QueryRows,
} from "./database.js";
export {
  runMigrations,
  migrationLockKey,
  MigrationError,
  type Migration,
  type MigrationErrorCode,
  type RunMigrationsOptions,
} from "./migrate.js";
export { summarizeSql, type SqlSummary } from "./sqlSummary.js";
