import { ROLES, type Role } from "../../permissions/roles.js";

const role = { type: "string", enum: [...ROLES] } as const;

/** POST body: exactly one of `email` and `user_id`, and the role. */
export const MemberAddSchema = {
  type: "object",
  additionalProperties: false,
  required: ["role"],
  oneOf: [{ required: ["email"] }, { required: ["user_id"] }],
  properties: {
    email: { type: "string", maxLength: 320, pattern: "^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$" },
    user_id: { type: "string", format: "uuid" },
    role,
  },
} as const;

export interface MemberAddReq {
  email?: string;
  user_id?: string;
  role: Role;
}

export const MemberUpdateSchema = {
  type: "object",
  additionalProperties: false,
  required: ["role"],
  properties: { role },
} as const;

export interface MemberUpdateReq {
  role: Role;
}

export const MemberParamsSchema = {
  type: "object",
  required: ["id", "user_id"],
  properties: { id: { type: "string", format: "uuid" }, user_id: { type: "string", format: "uuid" } },
} as const;

export interface MemberParams {
  id: string;
  user_id: string;
}
