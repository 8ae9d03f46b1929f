import type * as Y from "yjs";

/**
 * The contract api, relay and aria code against (issue 6, "The document store"). The content of a
 * document is `Y.XmlFragment('default')` under the shared TipTap schema; titles and all metadata
 * live in the api schema, never here.
 */

/** ProseMirror JSON of a whole document (`{type: "doc", content: [...]}`). */
export interface ProseMirrorJSON {
  type: string;
  attrs?: Record<string, unknown>;
  content?: ProseMirrorJSON[];
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  text?: string;
}

/** Who wrote an update: `rest:<userId>`, `relay:<userId>`, `ai:<userId>`, `restore:<userId>`, `system`. */
export type UpdateOrigin = string;

/** One durable update, as announced on the document's update channel. */
export interface StoredUpdate {
  documentId: string;
  /** Gap-free per document, starting at 1. */
  seq: number;
  update: Uint8Array;
  origin: UpdateOrigin;
}

/** The document's current state: snapshot folded with every update after it. */
export interface LoadedDocument {
  doc: Y.Doc;
  /** The last seq folded into `doc` (0 for a document with no updates). */
  seq: number;
}

/** The content in the two forms the REST API serves. */
export interface DocumentContent {
  json: ProseMirrorJSON;
  markdown: string;
  /** Plain text, for the search index. */
  text: string;
  seq: number;
}

export type RevisionReason = "idle" | "save" | "restore" | "created";

export interface Revision {
  documentId: string;
  /** Per-document revision number, starting at 1. */
  rev: number;
  /** The log seq the revision's state includes. */
  seq: number;
  reason: RevisionReason;
  userId: string | null;
  createdAt: Date;
}

/**
 * Announces appends to every process that follows a document (Redis pub/sub or in-process).
 * Delivery is at most once, in seq order per publisher: a follower that sees a seq other than
 * last + 1 reads what it missed with `DocStore.updatesSince` (see channel/redisChannel.ts).
 */
export interface UpdateChannel {
  publish(update: StoredUpdate): Promise<void>;
  /** Calls `listener` for each announced update of the document until the returned function is called. */
  subscribe(documentId: string, listener: (update: StoredUpdate) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DocStore {
  /** Appends one Yjs update; resolves once it is durable, with its seq; then announces it. */
  append(documentId: string, update: Uint8Array, origin: UpdateOrigin): Promise<StoredUpdate>;
  /** Snapshot plus log: the current Y.Doc and its seq. */
  load(documentId: string): Promise<LoadedDocument>;
  /**
   * Every update with seq > `afterSeq`, in order (for a relay that saw a gap).
   *
   * Addition: the compactor deletes folded log rows older than its retention window. When some of
   * the updates after `afterSeq` are gone that way, the first element is the document's snapshot
   * instead: one update holding the whole state up to `seq` = the snapshot's seq, origin
   * "snapshot"; the updates after it follow. Applying the list to a Y.Doc gives the same result
   * either way (Yjs updates are idempotent), and the last seq is still the head.
   */
  updatesSince(documentId: string, afterSeq: number): Promise<StoredUpdate[]>;
  /** The head seq of each of `documentIds` that has updates, in one statement (a follower checking many at once). */
  heads(documentIds: readonly string[]): Promise<Map<string, number>>;
  /** The content as ProseMirror JSON, Markdown and text. */
  readContent(documentId: string): Promise<DocumentContent>;
  /**
   * Turns `content` into the minimal Yjs change against the current state and appends it;
   * resolves with the stored update, or null when nothing changed. Throws InvalidContentError
   * when the JSON does not fit the schema.
   */
  writeContent(documentId: string, content: ProseMirrorJSON, origin: UpdateOrigin): Promise<StoredUpdate | null>;
  /** Keeps a full-state copy of the current state as a revision. */
  saveRevision(documentId: string, reason: RevisionReason, userId: string | null): Promise<Revision>;
  /** Newest first; `beforeRev` is the cursor (the last rev of the previous page); `limit` default 50, at most 200. */
  listRevisions(documentId: string, opts?: { beforeRev?: number; limit?: number }): Promise<Revision[]>;
  /** A revision and its content; null when it does not exist. */
  getRevision(documentId: string, rev: number): Promise<(Revision & { content: DocumentContent }) | null>;
  /**
   * Applies the diff from the current state to the revision's, as a new change (and a "restore" revision).
   * Addition: resolves null, writing no revision, when the content already equals the revision's;
   * rejects with RevisionNotFoundError when the revision does not exist.
   */
  restoreRevision(documentId: string, rev: number, userId: string): Promise<StoredUpdate | null>;
  /** Removes every update, snapshot and revision of the document (purge after the trash period). */
  purge(documentId: string): Promise<void>;
  readonly channel: UpdateChannel;
}
