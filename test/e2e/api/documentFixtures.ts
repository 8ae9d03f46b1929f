import type { DocumentEvent } from "@materi/contracts";
import { decodedEvents } from "../../helpers/streamEvents.js";
import type { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { expect } from "vitest";
import { addMember, createWorkspace } from "./membershipHelpers.js";
import type { ApiStack, TestUser } from "./stack.js";

/** Factories shared by the document, share, revision and search suites (issue 6). */

export type WorkspaceRole = "owner" | "admin" | "editor" | "commenter" | "viewer";

/** A workspace owned by `owner`, with `members` at their roles, made through the public API. */
export async function makeWorkspace(owner: TestUser, members: [TestUser, WorkspaceRole][] = []): Promise<string> {
  const { id } = await createWorkspace(owner, `ws ${randomUUID().slice(0, 8)}`);
  for (const [user, role] of members) await addMember(owner, id, user, role);
  return id;
}

/** Runs one SQL statement on the stack's database (to age a trash entry, read a row...). */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(stack: Pick<ApiStack, "database">, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: stack.database.url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** ProseMirror JSON of paragraphs of plain text. */
export function paragraphs(...texts: string[]) {
  return { type: "doc", content: texts.map((text) => ({ type: "paragraph", content: [{ type: "text", text }] })) };
}

/** The plain text of each top-level block of a ProseMirror JSON document. */
export function blockTexts(json: { content?: { content?: { text?: string }[] }[] }): string[] {
  return (json.content ?? []).map((block) => (block.content ?? []).map((inline) => inline.text ?? "").join(""));
}

export interface DocumentBody {
  id: string;
  workspace_id: string;
  title: string;
  version: number;
  content_seq: number;
  role: string;
  content: { markdown: string; json: { type: string; content?: { content?: { text?: string }[] }[] } };
  created_by: string;
  updated_by: string;
}

/** POST /api/v1/documents, expecting 201. */
export async function createDocument(user: TestUser, workspaceId: string, title: string, content?: unknown): Promise<DocumentBody> {
  const res = await user.call("POST", "/api/v1/documents", { workspace_id: workspaceId, title, ...(content === undefined ? {} : { content }) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as DocumentBody;
}

export interface DecodedDocumentEvent {
  type: string;
  source: string;
  payload: DocumentEvent;
}

/** The DocumentEvents of `documentId` on materi:events:documents since the stream id `since`. */
export async function documentEvents(redis: Redis, since: string, documentId: string): Promise<DecodedDocumentEvent[]> {
  return (await decodedEvents(redis, "documents", since))
    .filter((decoded) => decoded.eventType.startsWith("document.") && (decoded.payload as DocumentEvent).documentId === documentId)
    .map((decoded) => ({ type: decoded.eventType, source: decoded.envelope.sourceService, payload: decoded.payload as DocumentEvent }));
}

/**
 * Polls until `count` events of the document (those `which` keeps) arrived. The outbox dispatcher
 * appends after commit, so an event of a request made before `since` may still land after it:
 * filter by type or content rather than by time alone.
 */
export async function waitForDocumentEvents(
  redis: Redis,
  since: string,
  documentId: string,
  count: number,
  which: (event: DecodedDocumentEvent) => boolean = () => true,
): Promise<DecodedDocumentEvent[]> {
  const matching = async () => (await documentEvents(redis, since, documentId)).filter(which);
  await expect.poll(async () => (await matching()).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
  return matching();
}

/** A response body as loosely typed JSON: the suites assert its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are checked by expect, not by types
export type Json = any;

export async function read(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}
