import type { ContentInput } from "../../commands/documentContent.js";
import { openapi } from "../openapi/openapiDocument.js";
import { uuidSchema as uuid } from "../schemaParts.js";

/** A document title: some visible text, at most 500 characters. */
const title = { type: "string", minLength: 1, maxLength: 500, pattern: "\\S" } as const;

/**
 * Content: a Markdown string, or a ProseMirror JSON document (`{type: "doc", content: [...]}`).
 * Only the outline is checked here; the docstore checks the JSON against the schema (422).
 */
const content = {
  anyOf: [
    { type: "object", required: ["type"], properties: { type: { const: "doc" }, content: { type: "array", items: { type: "object" } } } },
    { type: "string", maxLength: 1_000_000 },
  ],
} as const;

export const DocumentCreateSchema = {
  type: "object",
  additionalProperties: false,
  required: ["workspace_id", "title"],
  properties: { workspace_id: uuid, title, content },
} as const;

export interface DocumentCreateReq {
  workspace_id: string;
  title: string;
  content?: ContentInput;
}

export const DocumentUpdateSchema = {
  type: "object",
  additionalProperties: false,
  // A known field is required: Fastify's Ajv strips unknown members, so `{x: 1}` would otherwise pass as a no-op.
  anyOf: [{ required: ["title"] }, { required: ["content"] }],
  properties: {
    title,
    content,
    // The content_seq the client read `content` at (GET): edits made since are merged, not reverted.
    base_seq: { type: "integer", minimum: 0 },
  },
} as const;

export interface DocumentUpdateReq {
  title?: string;
  content?: ContentInput;
  base_seq?: number;
}

export const DocumentIdParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: uuid },
} as const;

export interface IdParams {
  id: string;
}

export const IfMatchHeadersSchema = {
  type: "object",
  properties: { "if-match": { type: "string", maxLength: 200 } },
} as const;

/** Paging of every list endpoint: an opaque cursor from `next_cursor`, and a page size. */
export const pageQueryProperties = {
  cursor: { type: "string", minLength: 1, maxLength: 500 },
  limit: { type: "integer", minimum: 1, maximum: 200 },
} as const;

export const DocumentListQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: { q: { type: "string", maxLength: 500 }, ...pageQueryProperties },
} as const;

export interface DocumentListQuery {
  q?: string;
  cursor?: string;
  limit?: number;
}

export const TrashListQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: pageQueryProperties,
} as const;

/** OpenAPI summaries and statuses of these routes (routes/openapi). */
export const DocumentRouteDocs = {
  create: openapi("Create a document (editor+ in the workspace)", { 201: "Created", 403: "Below editor", 422: "Content does not fit the schema" }),
  read: openapi("Read a document: metadata, role, content as Markdown and JSON; ETag"),
  update: openapi("Change title and/or content (editor+)", { 200: "Updated", 403: "Below editor", 412: "If-Match is stale", 422: "Content does not fit the schema" }),
  trash: openapi("Move to the trash (creator or workspace admin)", { 204: "Trashed", 403: "Not allowed" }),
  restore: openapi("Restore from the trash", { 200: "Restored", 403: "Not allowed", 409: "Not in the trash", 410: "Retention passed" }),
  list: openapi("List or full-text search a workspace's documents (members)", { 200: "A page", 422: "Unreadable cursor" }),
  trashList: openapi("List a workspace's trash (members)", { 200: "A page", 422: "Unreadable cursor" }),
};
