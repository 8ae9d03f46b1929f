/**
 * Every stable error code the platform answers with, in one place (like fastify's FST_ERR_*).
 * Clients branch on `code`; `title` is the human summary; `status` the HTTP status.
 * Services add their own codes with `defineErrorCodes` in their `src/errors.ts`.
 */
export interface ErrorCodeSpec {
  status: number;
  title: string;
  /** Whether an occurrence deserves an alert (5xx by default). */
  reportable?: boolean;
}

export function defineErrorCodes<const T extends Record<string, ErrorCodeSpec>>(codes: T): T {
  return codes;
}

export const PlatformErrors = defineErrorCodes({
  PLATFORM_ERR_NOT_FOUND: { status: 404, title: "Not Found" },
  PLATFORM_ERR_METHOD_NOT_ALLOWED: { status: 405, title: "Method Not Allowed" },
  PLATFORM_ERR_MALFORMED_JSON: { status: 400, title: "Malformed JSON" },
  PLATFORM_ERR_VALIDATION: { status: 400, title: "Invalid Request" },
  PLATFORM_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported Media Type" },
  PLATFORM_ERR_BODY_TOO_LARGE: { status: 413, title: "Payload Too Large" },
  PLATFORM_ERR_UNAUTHENTICATED: { status: 401, title: "Unauthorized" },
  PLATFORM_ERR_FORBIDDEN: { status: 403, title: "Forbidden" },
  PLATFORM_ERR_SERVICE_KEY_REQUIRED: { status: 401, title: "Service Key Required" },
  PLATFORM_ERR_SERVICE_KEY_NOT_ALLOWED: { status: 400, title: "Service Key Not Accepted Here" },
  PLATFORM_ERR_RATE_LIMITED: { status: 429, title: "Too Many Requests" },
  PLATFORM_ERR_UPSTREAM_UNAVAILABLE: { status: 503, title: "Service Unavailable", reportable: true },
  PLATFORM_ERR_UPSTREAM_TIMEOUT: { status: 504, title: "Gateway Timeout", reportable: true },
  PLATFORM_ERR_NOT_READY: { status: 503, title: "Not Ready" },
  PLATFORM_ERR_INTERNAL: { status: 500, title: "Internal Server Error", reportable: true },
});
