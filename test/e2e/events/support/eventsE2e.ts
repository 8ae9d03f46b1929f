import { create } from "@bufbuild/protobuf";
import { DocumentEventSchema, UserEventSchema, type DocumentEvent, type UserEvent } from "@materi/contracts";
import type { ConsumerLogger } from "@materi/events";
import { openEventTables, type EventTablesDatabase } from "../../../../packages/events/src/bus/test-support/busFixtures.js";
import { checkPerAggregateOrder, type SeenChange } from "../../../../packages/events/src/outbox/test-support/outboxFixtures.js";
export { startCommitLoop, type CommitLoop } from "../../../../packages/events/src/outbox/test-support/outboxFixtures.js";

/** A fresh database with one owner schema: its event tables (v1) and the test's own tables (v2). */
export type OwnerDatabase = EventTablesDatabase;

export function openOwnerDatabase(prefix: string, schema: string, testTablesSql: string, poolSize = 8): Promise<OwnerDatabase> {
  return openEventTables(prefix, schema, testTablesSql, poolSize);
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


/** One delivered change: what the order check needs. */
export type Delivery = SeenChange;

/** What consumers deduplicating by event_id see: each event once, in order per document. */
export const checkDeliveries = checkPerAggregateOrder;
