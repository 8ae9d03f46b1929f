/**
 * The content given to `writeContent` (or a Markdown conversion) does not fit the shared schema.
 * The api renders it as a 400 problem+json; `message` names what is wrong.
 */
export class InvalidContentError extends Error {
  readonly code = "DOCSTORE_INVALID_CONTENT";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidContentError";
  }
}

/** The bytes given to `append` are not a Yjs update (v1 encoding), or the document id is not a UUID. */
export class InvalidUpdateError extends Error {
  readonly code = "DOCSTORE_INVALID_UPDATE";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidUpdateError";
  }
}

/** `restoreRevision` was asked for a revision the document does not have. */
export class RevisionNotFoundError extends Error {
  readonly code = "DOCSTORE_REVISION_NOT_FOUND";

  constructor(
    readonly documentId: string,
    readonly rev: number,
  ) {
    super(`Document ${documentId} has no revision ${rev}`);
    this.name = "RevisionNotFoundError";
  }
}
