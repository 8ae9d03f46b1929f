import type { ErrorCodeSpec } from "./codes.js";

/** Extra members of an RFC 9457 problem document beyond the standard ones. */
export type ProblemExtensions = Record<string, unknown>;

/**
 * An error that renders as an RFC 9457 `application/problem+json` document.
 * Throw it from a handler or command; the service's error handler renders it.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly isReportable: boolean;
  readonly extensions: ProblemExtensions;
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    spec: ErrorCodeSpec,
    detail: string,
    options: { extensions?: ProblemExtensions; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProblemError";
    this.code = code;
    this.status = spec.status;
    this.title = spec.title;
    this.detail = detail;
    this.isReportable = spec.reportable ?? spec.status >= 500;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

/**
 * Builds a factory bound to one code table: `problem("API_ERR_X", "detail")`.
 * Each service calls it once in its `src/errors.ts`.
 */
export function problemFactory<T extends Record<string, ErrorCodeSpec>>(codes: T) {
  return (
    code: keyof T & string,
    detail: string,
    options?: { extensions?: ProblemExtensions; headers?: Record<string, string>; cause?: unknown },
  ): ProblemError => new ProblemError(code, codes[code] as ErrorCodeSpec, detail, options);
}

export function isProblemError(err: unknown): err is ProblemError {
  return err instanceof ProblemError;
}
