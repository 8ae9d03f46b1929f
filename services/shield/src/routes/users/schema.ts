/** POST /api/v1/users body: malformed -> 400 through the platform's validation problem. */
export const UserCreateSchema = {
  type: "object",
  additionalProperties: false,
  required: ["email", "password", "name"],
  properties: {
    // Loose on purpose: the mailbox proves itself by receiving mail; this only catches typos.
    email: { type: "string", maxLength: 320, pattern: "^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$" },
    password: { type: "string", maxLength: 1024 },
    name: { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" },
  },
} as const;

export interface UserCreateReq {
  email: string;
  password: string;
  name: string;
}

/** PATCH /api/v1/users/me body: at least one public field. */
export const UserUpdateSchema = {
  type: "object",
  additionalProperties: false,
  // Not minProperties: Fastify's Ajv strips unknown members (removeAdditional), so `{ "x": 1 }`
  // would pass it and change nothing; a known field is required instead.
  anyOf: [{ required: ["email"] }, { required: ["name"] }],
  properties: {
    email: UserCreateSchema.properties.email,
    name: UserCreateSchema.properties.name,
  },
} as const;

export interface UserUpdateReq {
  email?: string;
  name?: string;
}

/** POST /api/v1/users/me/password body. */
export const PasswordChangeSchema = {
  type: "object",
  additionalProperties: false,
  required: ["current_password", "new_password"],
  properties: {
    current_password: { type: "string", maxLength: 1024 },
    new_password: { type: "string", maxLength: 1024 },
  },
} as const;

export interface PasswordChangeReq {
  current_password: string;
  new_password: string;
}

export const UserIdParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", format: "uuid" } },
} as const;
