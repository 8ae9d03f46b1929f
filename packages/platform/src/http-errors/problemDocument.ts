import { ProblemError } from "./ProblemError.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** The JSON body of an RFC 9457 problem, plus our stable `code` and the request's correlation id. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  correlation_id?: string;
  [extension: string]: unknown;
}

/** `type` URIs are relative references to our error docs, stable per code. */
export function problemTypeFor(code: string): string {
  return `https://materi.dev/problems/${code.toLowerCase().replace(/_/g, "-")}`;
}

export function toProblemDocument(
  err: ProblemError,
  request: { url?: string; correlationId?: string },
): ProblemDocument {
  const doc: ProblemDocument = {
    ...err.extensions,
    type: problemTypeFor(err.code),
    title: err.title,
    status: err.status,
    detail: err.detail,
    code: err.code,
  };
  if (request.url) doc.instance = request.url.split("?")[0];
  if (request.correlationId) doc.correlation_id = request.correlationId;
  return doc;
}
