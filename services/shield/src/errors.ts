import { defineErrorCodes, problemFactory, type ProblemError } from "@materi/platform";

/** Shield's stable codes (STYLE.md §4). OAuth errors also carry RFC 6749's `error` member. */
export const ShieldErrors = defineErrorCodes({
  /** Sign-up is turned off (SIGNUP_ENABLED=false). */
  SHIELD_ERR_SIGNUP_DISABLED: { status: 403, title: "Sign-up Disabled" },
  /** An account with this email exists. */
  SHIELD_ERR_EMAIL_TAKEN: { status: 409, title: "Email Already Registered" },
  /** The password breaks a named rule. */
  SHIELD_ERR_WEAK_PASSWORD: { status: 422, title: "Weak Password" },
  /** The user does not exist or is not visible to the caller. */
  SHIELD_ERR_USER_NOT_FOUND: { status: 404, title: "User Not Found" },
  /** RFC 6749 §5.2 invalid_request / unsupported_grant_type / invalid_grant (400). */
  SHIELD_ERR_OAUTH_BAD_REQUEST: { status: 400, title: "Bad Token Request" },
  /** RFC 6749 §5.2 invalid_client (401). */
  SHIELD_ERR_OAUTH_INVALID_CLIENT: { status: 401, title: "Invalid Client" },
  /** Too many login attempts for this account or address. */
  SHIELD_ERR_LOGIN_THROTTLED: { status: 429, title: "Too Many Login Attempts" },
  /** A password-reset token that is unknown, expired or already used. */
  SHIELD_ERR_RESET_TOKEN_INVALID: { status: 400, title: "Invalid Reset Token" },
  /** The current password given for a password change is wrong. */
  SHIELD_ERR_WRONG_PASSWORD: { status: 403, title: "Wrong Password" },
});

export const shieldProblem = problemFactory(ShieldErrors);

/** RFC 6749 §5.2 error codes Shield answers with. */
export type OAuthErrorCode = "invalid_request" | "invalid_grant" | "unsupported_grant_type" | "invalid_client";

/** An RFC 6749 error inside problem+json: `error` and `error_description` as extension members. */
export function oauthProblem(error: OAuthErrorCode, description: string): ProblemError {
  const extensions = { error, error_description: description };
  if (error === "invalid_client") {
    return shieldProblem("SHIELD_ERR_OAUTH_INVALID_CLIENT", description, { extensions, headers: { "WWW-Authenticate": 'Basic realm="materi"' } });
  }
  return shieldProblem("SHIELD_ERR_OAUTH_BAD_REQUEST", description, { extensions, headers: { "Cache-Control": "no-store" } });
}
