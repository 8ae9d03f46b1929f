import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createEventBus,
  createMemoryTransport,
  enqueueEvent,
  eventTablesMigration,
  startOutboxDispatcher,
  type MemoryTransport,
} from "@materi/events";
import { createDatabase, runMigrations, startEmbeddedPostgres, type Database, type EmbeddedPostgres } from "@materi/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDeliveries, documentUpdated, quietLogger, startCommitLoop, waitFor, type Delivery } from "./support/eventsE2e.js";

/**
 * The embedded default (no DATABASE_URL, no REDIS_URL): outbox on PGlite, the dispatcher polling
 * (PGlite has one session, so no advisory locks and no LISTEN), the in-process transport, and an
 * idempotent subscriber whose effects land in the same PGlite.
 */
describe("outbox, dispatcher and bus on embedded PGlite with the in-process transport", () => {
  let dataDir: string;
  let server: EmbeddedPostgres;
  let db: Database;
  let transport: MemoryTransport;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "materi-events-embedded-"));
    server = await startEmbeddedPostgres({ dataDir, maxConnections: 4 });
    db = createDatabase({ url: server.url, embedded: true, poolSize: 4 });
    await runMigrations(db, {
      owner: "api",
      migrations: [
        eventTablesMigration("api", 1),
        { version: 2, name: "test tables", up: "create table api.documents (id text primary key, seq int not null); create table api.effects (event_id uuid not null, document_id text not null, seq int not null)" },
      ],
    });
    transport = createMemoryTransport();
  }, 60_000);

  afterAll(async () => {
    await transport.close();
    await db.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("carries committed changes to an idempotent handler, once each and in order per document", async () => {
    const dispatcher = startOutboxDispatcher({ db, schema: "api", transport, logger: quietLogger(), pollMs: 20 });
    expect(dispatcher.partitions()).toHaveLength(16);
    const deliveries: Delivery[] = [];
    const bus = createEventBus({ service: "relay", transport, logger: quietLogger() });
    bus.subscribe({
      eventTypes: ["document.updated"],
      startId: "0",
      blockMs: 100,
      idempotency: { db, schema: "api" },
      handler: async (event, { tx }) => {
        const seq = Number(event.payload.content?.["seq"]);
        await tx.query("insert into api.effects (event_id, document_id, seq) values ($1, $2, $3)", [event.eventId, event.payload.documentId, seq]);
        deliveries.push({ eventId: event.eventId, documentId: event.payload.documentId, seq });
      },
    });

    const loop = startCommitLoop({ aggregates: 5, perAggregate: 10, concurrency: 2, pauseMs: 1 }, (documentId, seq) =>
      db.transaction(async (tx) => {
        await tx.query("insert into api.documents (id, seq) values ($1, $2) on conflict (id) do update set seq = excluded.seq", [documentId, seq]);
        const { eventId } = await enqueueEvent(tx, { schema: "api", aggregateId: documentId, eventType: "document.updated", payload: documentUpdated(documentId, seq) });
        return eventId;
      }),
    );
    await loop.done;
    await waitFor(() => deliveries.length >= 50, "every change handled", 20_000);
    expect(checkDeliveries(deliveries, loop.eventIds)).toEqual({ problems: [], duplicates: 0 });
    const effects = await db.query<{ n: number; d: number }>("select count(*)::int as n, count(distinct event_id)::int as d from api.effects");
    expect(effects.rows[0]).toEqual({ n: 50, d: 50 });
    await waitFor(async () => (await db.query("select 1 from api.outbox")).rowCount === 0, "the outbox drained");

    await bus.close();
    await dispatcher.stop();
  }, 60_000);
});
