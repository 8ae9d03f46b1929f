import { OPERATIONS, type Operation } from "../../generation/prompts.js";

const uuid = { type: "string", format: "uuid" } as const;

/** POST /api/v1/ai/generate. */
export const GenerateSchema = {
  type: "object",
  additionalProperties: false,
  required: ["workspace_id", "operation", "prompt"],
  properties: {
    workspace_id: uuid,
    document_id: uuid,
    operation: { type: "string", enum: [...OPERATIONS] },
    // An instruction; may be empty for summarize/continue, which work on the text itself.
    prompt: { type: "string", maxLength: 20_000 },
    selection: { type: "string", maxLength: 100_000 },
    stream: { type: "boolean" },
    apply: { type: "boolean" },
  },
} as const;

export interface GenerateReq {
  workspace_id: string;
  document_id?: string;
  operation: Operation;
  prompt: string;
  selection?: string;
  stream?: boolean;
  apply?: boolean;
}
