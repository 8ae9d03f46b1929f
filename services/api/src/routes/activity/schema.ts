const UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
const DATE = "^\\d{4}-\\d{2}-\\d{2}$";

/** GET /api/v1/workspaces/{id}/activity params. */
export const ActivityParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: UUID } },
} as const;

/** GET /api/v1/workspaces/{id}/activity query: UTC days, inclusive. Default: the last 30 days. */
export const ActivityQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    from: { type: "string", pattern: DATE },
    to: { type: "string", pattern: DATE },
  },
} as const;

export interface ActivityParamsReq {
  id: string;
}

export interface ActivityQueryReq {
  from?: string;
  to?: string;
}

/** GET|POST /internal/sagas/user-removal/{user_id}[/retry] params. */
export const SagaParamsSchema = {
  type: "object",
  required: ["user_id"],
  properties: { user_id: { type: "string", pattern: UUID } },
} as const;

export interface SagaParamsReq {
  user_id: string;
}
