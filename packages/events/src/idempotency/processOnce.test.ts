import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEventTables, type EventTablesDatabase } from "../bus/test-support/busFixtures.js";
import { processOnce, pruneProcessedEvents } from "./processOnce.js";

describe("processOnce on PostgreSQL", () => {
  let tables: EventTablesDatabase;
  const options = () => ({ db: tables.db, schema: "aria" });
  const effects = async (eventId: string) =>
    (await tables.db.query<{ c: number }>("select count(*)::int as c from aria.effects where event_id = $1", [eventId])).rows[0]!.c;

  beforeAll(async () => {
    tables = await openEventTables("process_once", "aria", "create table aria.effects (event_id uuid not null)");
  });

  afterAll(async () => {
    await tables.close();
  });

  it("runs the handler once per (group, event_id); other groups get their own run", async () => {
    const eventId = randomUUID();
    const effect = (tx: { query: (sql: string, params: unknown[]) => Promise<unknown> }) =>
      tx.query("insert into aria.effects (event_id) values ($1)", [eventId]).then(() => undefined);
    expect(await processOnce(options(), { group: "aria", eventId }, effect)).toEqual({ processed: true });
    expect(await processOnce(options(), { group: "aria", eventId }, effect)).toEqual({ processed: false });
    expect(await processOnce(options(), { group: "api", eventId }, effect)).toEqual({ processed: true });
    expect(await effects(eventId)).toBe(2);
  });

  it("rolls the processed row back with a failing handler, so the retry runs it", async () => {
    const eventId = randomUUID();
    const failing = processOnce(options(), { group: "aria", eventId }, async (tx) => {
      await tx.query("insert into aria.effects (event_id) values ($1)", [eventId]);
      throw new Error("handler failed after its write");
    });
    await expect(failing).rejects.toThrow("handler failed after its write");
    expect(await effects(eventId)).toBe(0);
    const retried = await processOnce(options(), { group: "aria", eventId }, async (tx) => {
      await tx.query("insert into aria.effects (event_id) values ($1)", [eventId]);
    });
    expect(retried.processed).toBe(true);
    expect(await effects(eventId)).toBe(1);
  });

  it("lets one of two consumers racing on the same event have the effect", async () => {
    const eventId = randomUUID();
    const slowEffect = async (tx: { query: (sql: string, params: unknown[]) => Promise<unknown> }) => {
      await tx.query("insert into aria.effects (event_id) values ($1)", [eventId]);
      await new Promise((r) => setTimeout(r, 150));
    };
    const results = await Promise.all([1, 2, 3].map(() => processOnce(options(), { group: "aria", eventId }, slowEffect)));
    expect(results.filter((r) => r.processed)).toHaveLength(1);
    expect(await effects(eventId)).toBe(1);
  });

  it("prunes rows older than the window only", async () => {
    const old = randomUUID();
    await tables.db.query("insert into aria.processed_events (consumer_group, event_id, processed_at) values ('aria', $1, now() - interval '40 days')", [old]);
    const pruned = await pruneProcessedEvents(tables.db, { schema: "aria" });
    expect(pruned).toBe(1);
    const left = await tables.db.query("select 1 from aria.processed_events");
    expect(left.rowCount).toBeGreaterThan(0);
  });
});
