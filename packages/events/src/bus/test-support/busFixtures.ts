import { create } from "@bufbuild/protobuf";
import { DocumentEventSchema, UserEventSchema, type DocumentEvent, type UserEvent } from "@materi/contracts";
import { createDatabase, runMigrations, type Database } from "@materi/platform";
import { createTestDatabase } from "../../../../../test/helpers/postgres.js";
import { eventTablesMigration } from "../../store/eventTablesMigration.js";

/** A fresh PostgreSQL database holding `schema`'s event tables (and whatever `extraSql` makes). */
export interface EventTablesDatabase {
  url: string;
  db: Database;
  /** Closes the pool, then drops the database. */
  close(): Promise<void>;
}

/** Creates the database, runs eventTablesMigration(schema) as v1 and `extraSql` as v2. */
export async function openEventTables(prefix: string, schema: string, extraSql?: string, poolSize = 6): Promise<EventTablesDatabase> {
  const testDb = await createTestDatabase(prefix);
  const db = createDatabase({ url: testDb.url, poolSize });
  const migrations = [eventTablesMigration(schema, 1)];
  if (extraSql) migrations.push({ version: 2, name: "test tables", up: extraSql });
  try {
    await runMigrations(db, { owner: schema, migrations });
  } catch (err) {
    await db.close();
    await testDb.drop();
    throw err;
  }
  return {
    url: testDb.url,
    db,
    async close() {
      await db.close();
      await testDb.drop();
    },
  };
}

/** A valid user.created payload; `n` lands in user_id (`user-<n>`) so tests can tell events apart. */
export function userCreated(n: number | string): UserEvent {
  return create(UserEventSchema, { userId: `user-${n}`, email: `user${n}@example.com`, action: "created" });
}

/** A valid document.updated payload; the sequence number goes into `content.seq`. */
export function documentUpdated(documentId: string, seq: number): DocumentEvent {
  return create(DocumentEventSchema, { documentId, workspaceId: "ws-1", userId: "u-1", action: "updated", content: { seq } });
}
