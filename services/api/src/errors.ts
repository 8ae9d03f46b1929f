import { defineErrorCodes, problemFactory } from "@materi/platform";

/** The api's stable codes (STYLE.md §4). A resource the caller may not see is always a 404. */
export const ApiErrors = defineErrorCodes({
  /** The workspace does not exist or the caller is not a member. */
  API_ERR_WORKSPACE_NOT_FOUND: { status: 404, title: "Workspace Not Found" },
  /** The document does not exist or the caller has no role on it. */
  API_ERR_DOCUMENT_NOT_FOUND: { status: 404, title: "Document Not Found" },
  /** A member, share, share link, invitation or revision that does not exist. */
  API_ERR_NOT_FOUND: { status: 404, title: "Not Found" },
  /** The caller can see the resource but their role does not allow this change. */
  API_ERR_FORBIDDEN: { status: 403, title: "Insufficient Role" },
  /** The user to add or share with does not exist. */
  API_ERR_USER_NOT_FOUND: { status: 404, title: "User Not Found" },
  /** The change conflicts with the current state (already a member, last owner, ...). */
  API_ERR_CONFLICT: { status: 409, title: "Conflict" },
  /** If-Match names a version that is no longer current; the body carries the current one. */
  API_ERR_PRECONDITION_FAILED: { status: 412, title: "Precondition Failed" },
  /** Content that does not fit the document schema, or a cursor that cannot be read. */
  API_ERR_INVALID_CONTENT: { status: 422, title: "Invalid Content" },
  /** The restore window of a trashed document has passed. */
  API_ERR_GONE: { status: 410, title: "Gone" },
  /** Shield could not be reached and no cached answer exists. */
  API_ERR_SHIELD_UNAVAILABLE: { status: 503, title: "Identity Service Unavailable" },
});

export const apiProblem = problemFactory(ApiErrors);

/** Codes appended for workspaces, members and invitations (issue 6). */
export const MembershipErrors = defineErrorCodes({
  /** A role this operation cannot grant, e.g. owner through an invitation. */
  API_ERR_INVALID_ROLE: { status: 422, title: "Invalid Role" },
});

export const membershipProblem = problemFactory(MembershipErrors);
