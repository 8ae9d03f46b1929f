import { openapi } from "../openapi/openapiDocument.js";
import { uuidSchema } from "../schemaParts.js";

export const RevisionParamsSchema = {
  type: "object",
  required: ["id", "rev"],
  properties: { id: uuidSchema, rev: { type: "integer", minimum: 1 } },
} as const;

export const RevisionListQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    // A revision number from `next_cursor`: the page starts below it.
    cursor: { type: "string", pattern: "^[1-9][0-9]{0,9}$" },
    limit: { type: "integer", minimum: 1, maximum: 200 },
  },
} as const;

export interface RevisionParams {
  id: string;
  rev: number;
}

/** OpenAPI summaries and statuses of these routes (routes/openapi). */
export const RevisionRouteDocs = {
  list: openapi("List revisions, newest first (any role)"),
  save: openapi("Save the current state as a revision (editor+)", { 201: "Saved", 403: "Below editor" }),
  read: openapi("Read a revision with its content (any role)"),
  restore: openapi("Restore a revision as a new change (editor+)", { 200: "Restored", 403: "Below editor" }),
};
