import { defineErrorCodes, problemFactory } from "@materi/platform";

/** Aria's stable codes (STYLE.md §4). A workspace or document the caller may not see is always a 404. */
export const AriaErrors = defineErrorCodes({
  /** The workspace does not exist or the caller is not a member. */
  ARIA_ERR_WORKSPACE_NOT_FOUND: { status: 404, title: "Workspace Not Found" },
  /** The document does not exist, is not in the named workspace, or the caller has no role on it. */
  ARIA_ERR_DOCUMENT_NOT_FOUND: { status: 404, title: "Document Not Found" },
  /** The caller can see the document but may not edit it. */
  ARIA_ERR_FORBIDDEN: { status: 403, title: "Insufficient Role" },
  /** A request that cannot be served as asked (apply without a document...). */
  ARIA_ERR_INVALID_REQUEST: { status: 422, title: "Invalid Request" },
  /** The workspace has used its tokens for the day. */
  ARIA_ERR_QUOTA_EXCEEDED: { status: 429, title: "AI Quota Exceeded" },
  /** No provider is configured: the detail names the variables to set. */
  ARIA_ERR_NO_PROVIDER: { status: 503, title: "No AI Provider Configured", reportable: false },
  /** Every configured provider failed or has its breaker open. */
  ARIA_ERR_PROVIDERS_UNAVAILABLE: { status: 503, title: "AI Providers Unavailable", reportable: true },
  /** The text was generated but could not be put into the document. */
  ARIA_ERR_APPLY_FAILED: { status: 500, title: "Generated Text Not Applied" },
  /** A stream failed after its first token (only ever an SSE `error` event's code). */
  ARIA_ERR_STREAM_INTERRUPTED: { status: 502, title: "Generation Interrupted" },
  /** The api could not be asked who may do what. */
  ARIA_ERR_PERMISSIONS_UNAVAILABLE: { status: 503, title: "Permission Service Unavailable", reportable: true },
});

export const ariaProblem = problemFactory(AriaErrors);
