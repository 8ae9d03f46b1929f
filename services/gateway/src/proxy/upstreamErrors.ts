import { platformProblem, type ProblemError } from "@materi/platform";
import { gatewayProblem } from "../errors.js";

interface CodedError extends Error {
  code?: string;
  statusCode?: number;
}

/** Could not reach the service, or it hung up: another replica or a retry may succeed. */
const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
]);

/** The service took too long to connect or answer. */
const TIMEOUT = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Maps what undici reports when an upstream call fails to a problem the client can act on:
 * 503 (unreachable, retry), 504 (too slow), 502 (answered nonsense). Never a bare HTML error.
 */
export function upstreamProblem(service: string, error: CodedError): ProblemError {
  const code = innermostCode(error);
  if (code !== undefined && TIMEOUT.has(code)) {
    return platformProblem("PLATFORM_ERR_UPSTREAM_TIMEOUT", `The ${service} service did not answer in time.`, { cause: error });
  }
  if (code !== undefined && UNAVAILABLE.has(code)) {
    return platformProblem("PLATFORM_ERR_UPSTREAM_UNAVAILABLE", `The ${service} service is unavailable; try again shortly.`, {
      cause: error,
      headers: { "Retry-After": "1" },
    });
  }
  return gatewayProblem("GW_ERR_BAD_GATEWAY", `The ${service} service answered with an invalid response.`, { cause: error });
}

// An error may arrive wrapped (its cause chain): the innermost known code says what happened.
function innermostCode(error: CodedError): string | undefined {
  let current: unknown = error;
  let code: string | undefined;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const candidate = (current as CodedError).code;
    if (typeof candidate === "string" && (UNAVAILABLE.has(candidate) || TIMEOUT.has(candidate))) code = candidate;
    current = current.cause;
  }
  return code;
}
