import { platformProblem } from "./platformProblem.js";
import { ProblemError } from "./ProblemError.js";

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: Array<{ instancePath?: string; message?: string; params?: unknown }>;
  validationContext?: string;
}

/**
 * Turns anything thrown inside a request into a ProblemError. Fastify's own errors
 * (FST_ERR_*) map to stable platform codes; unknown errors become a 500 whose detail
 * reveals nothing of the cause (the cause is logged, never sent).
 */
export function normalizeError(err: unknown): ProblemError {
  if (err instanceof ProblemError) return err;
  const e = (err ?? {}) as FastifyLikeError;
  if (e.validation) {
    const where = e.validationContext ?? "body";
    const errors = e.validation.map((v) => ({ pointer: `/${where}${v.instancePath ?? ""}`, detail: v.message ?? "is invalid" }));
    const first = errors[0];
    const detail = first ? `${first.pointer} ${first.detail}` : "The request is invalid.";
    return platformProblem("PLATFORM_ERR_VALIDATION", detail, { extensions: { errors } });
  }
  switch (e.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return platformProblem("PLATFORM_ERR_MALFORMED_JSON", "The request body is not valid JSON.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return platformProblem(
        "PLATFORM_ERR_UNSUPPORTED_MEDIA_TYPE",
        "This endpoint accepts application/json bodies; send Content-Type: application/json.",
      );
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return platformProblem("PLATFORM_ERR_BODY_TOO_LARGE", "The request body is larger than this endpoint accepts.");
    case "FST_ERR_NOT_FOUND":
      return platformProblem("PLATFORM_ERR_NOT_FOUND", "No such resource.");
  }
  if (e.statusCode === 413) {
    return platformProblem("PLATFORM_ERR_BODY_TOO_LARGE", "The request body is larger than this endpoint accepts.");
  }
  if (e.statusCode === 415) {
    return platformProblem("PLATFORM_ERR_UNSUPPORTED_MEDIA_TYPE", "Unsupported Content-Type for this endpoint.");
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return platformProblem("PLATFORM_ERR_VALIDATION", e.message ?? "The request is invalid.");
  }
  return platformProblem("PLATFORM_ERR_INTERNAL", "Something went wrong on our side; it has been logged.", { cause: err });
}
