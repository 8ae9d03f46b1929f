/** JSON-schema pieces several routes/<resource>/schema.ts share, so one rule is written once. */

export const uuidSchema = { type: "string", format: "uuid" } as const;

/** `email` or `user_id`: the user a member add or a share names. */
const userTargetProperties = {
  email: { type: "string", maxLength: 320, pattern: "^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$" },
  user_id: uuidSchema,
} as const;

/** A body naming exactly one of `email` and `user_id`, and the `role` to give them (one of `roles`). */
export function userRoleBodySchema<const R extends readonly string[]>(roles: R) {
  return {
    type: "object",
    additionalProperties: false,
    required: ["role"],
    oneOf: [{ required: ["email"] }, { required: ["user_id"] }],
    properties: { ...userTargetProperties, role: roleSchema(roles) },
  } as const;
}

/** `{ role }` alone, one of `roles`. */
export function roleBodySchema<const R extends readonly string[]>(roles: R) {
  return { type: "object", additionalProperties: false, required: ["role"], properties: { role: roleSchema(roles) } } as const;
}

function roleSchema<const R extends readonly string[]>(roles: R) {
  return { type: "string", enum: roles } as const;
}
