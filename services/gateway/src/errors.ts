import { defineErrorCodes, problemFactory } from "@materi/platform";

/**
 * The gateway's own stable codes. Upstream failures, 404, 413 and 429 use the platform's
 * PLATFORM_ERR_* codes so a client sees the same code whichever service answered.
 */
export const GatewayErrors = defineErrorCodes({
  /** No bearer token on a route that needs one. */
  GW_ERR_TOKEN_MISSING: { status: 401, title: "Unauthorized" },
  /** The bearer token failed verification (signature, expiry, issuer, audience, type, algorithm). */
  GW_ERR_TOKEN_INVALID: { status: 401, title: "Unauthorized" },
  /** The signing keys could not be fetched, so no token can be checked. */
  GW_ERR_JWKS_UNAVAILABLE: { status: 503, title: "Service Unavailable", reportable: true },
  /** /metrics read from an address outside METRICS_ALLOW. */
  GW_ERR_METRICS_FORBIDDEN: { status: 403, title: "Forbidden" },
  /** The relay refused or dropped the WebSocket tunnel before it was established. */
  GW_ERR_RELAY_UNAVAILABLE: { status: 502, title: "Bad Gateway", reportable: true },
  /** An upstream answered with something that is not a valid HTTP response. */
  GW_ERR_BAD_GATEWAY: { status: 502, title: "Bad Gateway", reportable: true },
});

export type GatewayErrorCode = keyof typeof GatewayErrors;

/** `gatewayProblem("GW_ERR_TOKEN_INVALID", "...")`: a ProblemError the app renders as problem+json. */
export const gatewayProblem = problemFactory(GatewayErrors);

/** RFC 6750 section 3: a 401 at a bearer-protected resource says which scheme and what went wrong. */
export function bearerChallenge(description: string): Record<string, string> {
  const safe = description.replace(/["\\]/g, "'");
  return { "WWW-Authenticate": `Bearer realm="materi", error="invalid_token", error_description="${safe}"` };
}
