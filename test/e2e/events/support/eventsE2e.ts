import { create } from "@bufbuild/protobuf";
import { DocumentEventSchema, UserEventSchema, type DocumentEvent, type UserEvent } from "@materi/contracts";
import { eventTablesMigration, type ConsumerLogger } from "@materi/events";
import { createDatabase, runMigrations, type Database } from "@materi/platform";
import { createTestDatabase } from "../../../helpers/postgres.js";

/** A fresh database with one owner schema: its event tables (v1) and the test's own tables (v2). */
export interface OwnerDatabase {
  url: string;
  db: Database;
  /** Closes the pool and drops the database. */
  close(): Promise<void>;
}

export async function openOwnerDatabase(prefix: string, schema: string, testTablesSql: string, poolSize = 8): Promise<OwnerDatabase> {
  const testDb = await createTestDatabase(prefix);
  const db = createDatabase({ url: testDb.url, poolSize });
  try {
    await runMigrations(db, {
      owner: schema,
      migrations: [eventTablesMigration(schema, 1), { version: 2, name: "test tables", up: testTablesSql }],
    });
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

/** Polls `check` every 20 ms until it holds; rejects naming `what` after `timeoutMs` (default 15 s). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

/** A logger that keeps lines for assertions and prints nothing. */
export function quietLogger(): ConsumerLogger & { lines: Array<{ level: string; msg: string | undefined; obj: unknown }> } {
  const lines: Array<{ level: string; msg: string | undefined; obj: unknown }> = [];
  const at = (level: string) => (obj: unknown, msg?: string) => void lines.push({ level, msg, obj });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") } as ConsumerLogger & { lines: typeof lines };
}

/** A valid user.created payload for user `user-<n>`. */
export function userCreated(n: number | string): UserEvent {
  return create(UserEventSchema, { userId: `user-${n}`, email: `user${n}@example.com`, action: "created" });
}

/** A valid document.updated payload carrying a per-document sequence number in `content.seq`. */
export function documentUpdated(documentId: string, seq: number): DocumentEvent {
  return create(DocumentEventSchema, { documentId, workspaceId: "ws-1", userId: "u-1", action: "updated", content: { seq } });
}

/** A running loop of committed changes (state row + outbox event in one transaction). */
export interface CommitLoop {
  /** Event ids in commit order so far. */
  readonly eventIds: string[];
  /** Resolves when every change is committed. */
  readonly done: Promise<void>;
}

/**
 * Commits `perAggregate` changes to each of `aggregates` documents through `enqueue`, with
 * `concurrency` workers pausing `pauseMs` after each commit. Each document's changes are made in
 * sequence (seq 1, 2, ...), like a service whose writes to one document serialize on its row.
 */
export function startCommitLoop(
  options: { aggregates: number; perAggregate: number; concurrency: number; pauseMs: number },
  enqueue: (documentId: string, seq: number) => Promise<string>,
): CommitLoop {
  const eventIds: string[] = [];
  const next = new Map<string, number>();
  const work = Array.from({ length: options.aggregates * options.perAggregate }, (_, i) => `doc-${i % options.aggregates}`);
  const inFlight = new Set<string>();
  const worker = async (): Promise<void> => {
    for (;;) {
      const at = work.findIndex((documentId) => !inFlight.has(documentId));
      if (at < 0) return;
      const documentId = work.splice(at, 1)[0]!;
      inFlight.add(documentId);
      const seq = (next.get(documentId) ?? 0) + 1;
      next.set(documentId, seq);
      eventIds.push(await enqueue(documentId, seq));
      inFlight.delete(documentId);
      await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  };
  const done = Promise.all(Array.from({ length: options.concurrency }, worker)).then(() => undefined);
  return { eventIds, done };
}

/** One delivery as a consumer saw it. */
export interface Delivery {
  eventId: string;
  documentId: string;
  seq: number;
}

/**
 * What consumers deduplicating by event_id see: each event once, in order per document. Returns
 * the problems found (empty when all is well) and how many deliveries were duplicates.
 */
export function checkDeliveries(deliveries: readonly Delivery[], expectedIds: readonly string[]): { problems: string[]; duplicates: number } {
  const problems: string[] = [];
  const seen = new Set<string>();
  const lastSeq = new Map<string, number>();
  let duplicates = 0;
  for (const d of deliveries) {
    if (seen.has(d.eventId)) {
      duplicates += 1;
      continue;
    }
    seen.add(d.eventId);
    const previous = lastSeq.get(d.documentId) ?? 0;
    if (d.seq !== previous + 1) problems.push(`${d.documentId}: seq ${d.seq} after ${previous}`);
    lastSeq.set(d.documentId, d.seq);
  }
  const expected = new Set(expectedIds);
  const invented = [...seen].filter((id) => !expected.has(id)).length;
  const missing = expectedIds.filter((id) => !seen.has(id)).length;
  if (invented > 0) problems.push(`${invented} events nobody enqueued`);
  if (missing > 0) problems.push(`${missing} events never delivered`);
  return { problems, duplicates };
}
