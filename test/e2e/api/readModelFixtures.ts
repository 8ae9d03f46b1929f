import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { AiEventSchema, CollaborationEventSchema, DocumentEventSchema } from "@materi/contracts";
import {
  createEventBus,
  createRedisTransport,
  streamName,
  type DecodedEnvelope,
  type EventBus,
  type StreamDomain,
} from "@materi/events";
import { createLogger } from "@materi/platform";
import { Redis } from "ioredis";
import pg from "pg";
import { decodedEvents } from "../../helpers/streamEvents.js";
import { SERVICE_KEY, type ApiStack } from "./stack.js";

// Fixtures for the saga, activity and rebuild suites: rows written straight into the api schema
// (the workspace and document routes are built in parallel), and stream helpers.

export const FAST_READ_MODELS = { USER_REMOVAL_RETRY_MS: "50", USER_REMOVAL_POLL_MS: "200", ACTIVITY_BATCH_MS: "100" };

export function openSql(stack: Pick<ApiStack, "database">): pg.Pool {
  return new pg.Pool({ connectionString: stack.database.url, max: 2 });
}

export interface SeedMember {
  userId: string;
  role: "owner" | "admin" | "editor" | "commenter" | "viewer";
  /** When they joined; the saga's oldest admin is the earliest. Default now. */
  joinedAt?: Date;
}

export async function seedWorkspace(sql: pg.Pool, members: readonly SeedMember[], name = "fixture"): Promise<string> {
  const id = randomUUID();
  const creator = members[0]?.userId ?? randomUUID();
  await sql.query("insert into api.workspaces (id, name, created_by) values ($1, $2, $3)", [id, name, creator]);
  for (const m of members) {
    await sql.query("insert into api.members (workspace_id, user_id, role, created_at) values ($1, $2, $3, $4)", [id, m.userId, m.role, m.joinedAt ?? new Date()]);
  }
  return id;
}

export async function seedDocument(sql: pg.Pool, workspaceId: string, createdBy: string, title = "Fixture doc"): Promise<string> {
  const id = randomUUID();
  await sql.query("insert into api.documents (id, workspace_id, title, created_by, updated_by) values ($1, $2, $3, $4, $4)", [id, workspaceId, title, createdBy]);
  return id;
}

/** The last entry id of a stream ("0-0" when empty): read what comes after it. */
export async function streamTail(redisUrl: string, domain: StreamDomain): Promise<string> {
  const redis = new Redis(redisUrl);
  try {
    const last = await redis.xrevrange(streamName(domain), "+", "-", "COUNT", 1);
    return last[0]?.[0] ?? "0-0";
  } finally {
    redis.disconnect();
  }
}

/** Every entry after `afterId`, decoded (the spec's envelope and payload fields). */
export async function decodedSince(redisUrl: string, domain: StreamDomain, afterId: string): Promise<DecodedEnvelope[]> {
  const redis = new Redis(redisUrl);
  try {
    return await decodedEvents(redis, domain, `(${afterId}`);
  } finally {
    redis.disconnect();
  }
}

/** GET on the api itself with the service key (internal endpoints are not routed by the gateway). */
export async function internalGet(stack: Pick<ApiStack, "api">, path: string): Promise<Response> {
  return fetch(`${stack.api.url}${path}`, { headers: { "x-service-key": SERVICE_KEY } });
}

/** A bus publishing as another service would (relay's collaboration, aria's AI events). */
export function publisherBus(redisUrl: string, service: string): { bus: EventBus; close(): Promise<void> } {
  const transport = createRedisTransport({ url: redisUrl, connectionName: `test-${service}` });
  const bus = createEventBus({ service, transport, logger: createLogger({ service, level: "silent" }) });
  return { bus, close: async () => { await bus.close(); await transport.close(); } };
}

export interface ActivityScenario {
  workspaceId: string;
  documents: [string, string];
  editors: [string, string, string];
}

/**
 * Today's activity in one workspace: 3 live edits on two documents by two editors, one REST edit
 * by a third, two AI generations (150 tokens) and one AI start (not a request of its own).
 * Published a few ms apart, so "last edited" is well defined.
 */
export async function publishActivity(bus: EventBus, s: ActivityScenario): Promise<void> {
  const [doc1, doc2] = s.documents;
  const [a, b, c] = s.editors;
  const edit = (documentId: string, userId: string) =>
    create(CollaborationEventSchema, { sessionId: randomUUID(), documentId, userId, operationType: "edit", crdtOperation: new Uint8Array([1, 2, 3]) });
  const ai = (action: string, inputTokens: bigint, outputTokens: bigint) =>
    create(AiEventSchema, { requestId: randomUUID(), workspaceId: s.workspaceId, documentId: doc1, userId: a, action, provider: "openai", model: "m", inputTokens, outputTokens });
  const steps: (() => Promise<unknown>)[] = [
    () => bus.publish("collaboration.edit", edit(doc1, a)),
    () => bus.publish("collaboration.cursor", create(CollaborationEventSchema, { sessionId: randomUUID(), documentId: doc1, userId: b, operationType: "cursor" })),
    () => bus.publish("collaboration.edit", edit(doc2, b)),
    () => bus.publish("collaboration.edit", edit(doc1, a)),
    () => bus.publish("ai.generation.started", ai("started", 0n, 0n)),
    () => bus.publish("ai.generation.completed", ai("completed", 100n, 50n)),
    () => bus.publish("ai.generation.failed", ai("failed", 0n, 0n)),
    () => bus.publish("document.updated", create(DocumentEventSchema, { documentId: doc1, workspaceId: s.workspaceId, userId: c, action: "updated", content: { title: "Renamed" } })),
  ];
  for (const step of steps) {
    await step();
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
}

/** Today's expected aggregates for publishActivity. */
export function expectedToday(s: ActivityScenario): { day: Record<string, unknown>; lastEdits: Record<string, string> } {
  return {
    day: { date: new Date().toISOString().slice(0, 10), documents_edited: 2, edits: 4, active_editors: 3, ai_requests: 2, ai_tokens: 150 },
    lastEdits: { [s.documents[0]]: s.editors[2], [s.documents[1]]: s.editors[1] },
  };
}
