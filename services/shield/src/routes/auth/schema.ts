import { oauthProblem } from "../../errors.js";

/** A token request after content negotiation (JSON or form), as RFC 6749 §4.3.2 / §6 define it. */
export type TokenReq =
  | { grant_type: "password"; username: string; password: string }
  | { grant_type: "refresh_token"; refresh_token: string };

/**
 * Parses a token request by hand rather than by JSON schema: RFC 6749 §5.2 wants its own error
 * codes (invalid_request, unsupported_grant_type), not the platform's validation problem.
 */
export function parseTokenRequest(body: unknown): TokenReq {
  const fields = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const text = (name: string): string => {
    const value = fields[name];
    if (typeof value !== "string" || value.length === 0) throw oauthProblem("invalid_request", `The request needs the "${name}" parameter.`);
    return value;
  };
  const grantType = text("grant_type");
  if (grantType === "password") return { grant_type: "password", username: text("username"), password: text("password") };
  if (grantType === "refresh_token") return { grant_type: "refresh_token", refresh_token: text("refresh_token") };
  throw oauthProblem("unsupported_grant_type", `grant_type "${grantType}" is not supported; use "password" or "refresh_token".`);
}

/** RFC 7009 §2.1 revocation request. */
export function parseRevokeRequest(body: unknown): { token: string } {
  const token = (body as Record<string, unknown> | null)?.["token"];
  if (typeof token !== "string" || token.length === 0) throw oauthProblem("invalid_request", 'The request needs the "token" parameter.');
  return { token };
}

/** POST /api/v1/auth/password-reset body. */
export const PasswordResetSchema = {
  type: "object",
  required: ["email"],
  properties: { email: { type: "string", minLength: 3, maxLength: 320 } },
} as const;

/** POST /api/v1/auth/password-reset/confirm body. */
export const PasswordResetConfirmSchema = {
  type: "object",
  additionalProperties: false,
  required: ["token", "password"],
  properties: { token: { type: "string", minLength: 1, maxLength: 200 }, password: { type: "string", maxLength: 1024 } },
} as const;
