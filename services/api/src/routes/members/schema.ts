import { ROLES, type Role } from "@materi/contracts";
import { roleBodySchema, userRoleBodySchema, uuidSchema } from "../schemaParts.js";

/** POST body: exactly one of `email` and `user_id`, and the role. */
export const MemberAddSchema = userRoleBodySchema(ROLES);

export interface MemberAddReq {
  email?: string;
  user_id?: string;
  role: Role;
}

export const MemberUpdateSchema = roleBodySchema(ROLES);

export interface MemberUpdateReq {
  role: Role;
}

export const MemberParamsSchema = {
  type: "object",
  required: ["id", "user_id"],
  properties: { id: uuidSchema, user_id: uuidSchema },
} as const;

export interface MemberParams {
  id: string;
  user_id: string;
}
