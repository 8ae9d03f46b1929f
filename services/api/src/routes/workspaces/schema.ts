/** Request schemas of the workspaces API (issue 6); malformed input is a 400 problem from the platform. */
const name = { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" } as const;

export const WorkspaceCreateSchema = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: { name },
} as const;

export interface WorkspaceCreateReq {
  name: string;
}

/** PATCH body: the name is the only changeable field today, so it is required. */
export const WorkspaceUpdateSchema = WorkspaceCreateSchema;
export type WorkspaceUpdateReq = WorkspaceCreateReq;

export const WorkspaceParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", format: "uuid" } },
} as const;

export interface WorkspaceParams {
  id: string;
}

/** `?cursor=&limit=` of every list endpoint here. */
export const PageQuerySchema = {
  type: "object",
  properties: {
    cursor: { type: "string", maxLength: 512 },
    limit: { type: "integer", minimum: 1, maximum: 200 },
  },
} as const;

export interface PageQuery {
  cursor?: string;
  limit?: number;
}
