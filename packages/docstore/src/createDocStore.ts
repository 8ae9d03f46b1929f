import type { Database, Logger } from "@materi/platform";
import * as Y from "yjs";
import { createUpdateChannel } from "./channel/createUpdateChannel.js";
import { jsonToNode, nodeToJSON, nodeToText } from "./content/json.js";
import { nodeToMarkdown } from "./content/markdown.js";
import { applyContent, yDocToNode } from "./content/ydoc.js";
import { RevisionNotFoundError } from "./content/errors.js";
import { ContentCache } from "./store/ContentCache.js";
import { GroupCommitter } from "./store/GroupCommitter.js";
import { loadDocument } from "./store/loadDocument.js";
import { insertRevision, selectRevision, selectRevisions } from "./store/revisionStore.js";
import { readHeads, readSince } from "./store/updateLog.js";
import { checkDocumentId, checkOrigin, checkUpdate } from "./store/validate.js";
import type {
  DocStore,
  DocumentContent,
  LoadedDocument,
  ProseMirrorJSON,
  Revision,
  RevisionReason,
  StoredUpdate,
  UpdateChannel,
  UpdateOrigin,
} from "./types.js";

export interface DocStoreOptions {
  db: Database;
  logger: Logger;
  /** Announce appends on Redis pub/sub; without it, on the process-wide in-process channel. */
  redisUrl?: string;
  /** The channel to announce on, instead of one built from `redisUrl` (tests, a shared one). Default: built. */
  channel?: UpdateChannel;
  /** Most appends group-committed in one statement (count); default 500. */
  maxBatch?: number;
  /** Most update bytes group-committed in one statement (bytes); default 8 MiB. */
  maxBatchBytes?: number;
  /** Hears the size of each append batch as its statement is sent (metrics, tests). Default none. */
  onBatch?: (size: number) => void;
  /** Documents whose content readContent keeps ready (see ContentCache); 0 disables. Default 256. */
  contentCacheSize?: number;
}

const DEFAULT_REVISION_PAGE = 50;
const MAX_REVISION_PAGE = 200;

/** The stored Yjs documents on `db` (schema docstore, see store/migrations.ts). */
export function createDocStore(opts: DocStoreOptions): DocStore {
  return new PostgresDocStore(opts);
}

class PostgresDocStore implements DocStore {
  readonly channel: UpdateChannel;
  private readonly db: Database;
  private readonly logger: Logger;
  private readonly committer: GroupCommitter;
  private readonly contents: ContentCache;

  constructor(opts: DocStoreOptions) {
    this.db = opts.db;
    this.logger = opts.logger;
    this.channel =
      opts.channel ?? createUpdateChannel({ logger: opts.logger, ...(opts.redisUrl === undefined ? {} : { redisUrl: opts.redisUrl }) });
    this.contents = new ContentCache(opts.db, contentOf, opts.contentCacheSize ?? 256);
    this.committer = new GroupCommitter({
      db: opts.db,
      onCommitted: (stored) => this.announce(stored),
      ...(opts.maxBatch === undefined ? {} : { maxBatch: opts.maxBatch }),
      ...(opts.maxBatchBytes === undefined ? {} : { maxBatchBytes: opts.maxBatchBytes }),
      ...(opts.onBatch === undefined ? {} : { onBatch: opts.onBatch }),
    });
  }

  async append(documentId: string, update: Uint8Array, origin: UpdateOrigin): Promise<StoredUpdate> {
    const id = checkDocumentId(documentId);
    checkOrigin(origin);
    checkUpdate(update);
    return this.committer.submit({ documentId: id, update, origin });
  }

  load(documentId: string): Promise<LoadedDocument> {
    return loadDocument(this.db, checkDocumentId(documentId));
  }

  heads(documentIds: readonly string[]): Promise<Map<string, number>> {
    return readHeads(this.db, documentIds.map(checkDocumentId));
  }

  async updatesSince(documentId: string, afterSeq: number): Promise<StoredUpdate[]> {
    const id = checkDocumentId(documentId);
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) throw new RangeError(`afterSeq must be a seq (integer >= 0), got ${afterSeq}`);
    const { snapshot, updates } = await readSince(this.db, id, afterSeq);
    // The log before `snapshot.seq` was pruned: the snapshot stands in for it (see types.ts).
    if (!snapshot) return updates;
    return [{ documentId: id, seq: snapshot.seq, update: snapshot.state, origin: "snapshot" }, ...updates];
  }

  readContent(documentId: string): Promise<DocumentContent> {
    return this.contents.read(checkDocumentId(documentId));
  }

  async writeContent(documentId: string, content: ProseMirrorJSON, origin: UpdateOrigin): Promise<StoredUpdate | null> {
    checkOrigin(origin);
    const target = jsonToNode(content);
    const id = checkDocumentId(documentId);
    const { doc } = await loadDocument(this.db, id);
    // A diff against the state just loaded: appends landing meanwhile merge with it as any
    // concurrent Yjs edit does, so a live editor's typing elsewhere survives.
    const update = applyContent(doc, target, origin);
    // Built by applyContent, so already a valid update: no need for append's checks.
    return update === null ? null : this.committer.submit({ documentId: id, update, origin });
  }

  async saveRevision(documentId: string, reason: RevisionReason, userId: string | null): Promise<Revision> {
    const id = checkDocumentId(documentId);
    const { doc, seq } = await loadDocument(this.db, id);
    const revision = await insertRevision(this.db, { documentId: id, seq, state: Y.encodeStateAsUpdate(doc), reason, userId });
    if (!revision) throw new Error(`docstore: revision of ${id} was not written`);
    return revision;
  }

  listRevisions(documentId: string, opts: { beforeRev?: number; limit?: number } = {}): Promise<Revision[]> {
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? DEFAULT_REVISION_PAGE), 1), MAX_REVISION_PAGE);
    const beforeRev = opts.beforeRev === undefined ? undefined : Math.trunc(opts.beforeRev);
    return selectRevisions(this.db, checkDocumentId(documentId), beforeRev, limit);
  }

  async getRevision(documentId: string, rev: number): Promise<(Revision & { content: DocumentContent }) | null> {
    if (!Number.isSafeInteger(rev) || rev < 1) return null;
    const found = await selectRevision(this.db, checkDocumentId(documentId), rev);
    if (!found) return null;
    const { state, ...revision } = found;
    return { ...revision, content: { ...contentOf(docOf(state)), seq: revision.seq } };
  }

  async restoreRevision(documentId: string, rev: number, userId: string): Promise<StoredUpdate | null> {
    const id = checkDocumentId(documentId);
    const found = Number.isSafeInteger(rev) && rev >= 1 ? await selectRevision(this.db, id, rev) : null;
    if (!found) throw new RevisionNotFoundError(id, rev);
    const target = yDocToNode(docOf(found.state));
    const origin = `restore:${userId}`;
    const { doc } = await loadDocument(this.db, id);
    // Not the revision's state pasted over the document: the difference from now to then, as a
    // new change, so history stays append-only and concurrent edits merge with it.
    const update = applyContent(doc, target, origin);
    if (update === null) return null;
    checkOrigin(origin);
    const stored = await this.committer.submit({ documentId: id, update, origin });
    await this.saveRevision(id, "restore", userId);
    return stored;
  }

  async purge(documentId: string): Promise<void> {
    const id = checkDocumentId(documentId);
    await this.db.transaction(async (tx) => {
      // The head first: its row lock waits for an append in flight to this document to commit.
      // Then the snapshot before the log, the order a compactor locks them in, so the two cannot deadlock.
      await tx.query("delete from docstore.heads where document_id = $1", [id]);
      for (const table of ["snapshots", "updates", "revisions"]) {
        await tx.query(`delete from docstore.${table} where document_id = $1`, [id]);
      }
    });
    this.contents.drop(id);
  }

  private announce(stored: readonly StoredUpdate[]): void {
    for (const update of stored) {
      // Never fails the append, which is durable already: a follower that misses this sees the
      // seq gap on the next one and reads the log (updatesSince).
      this.channel.publish(update).catch((err: unknown) => {
        this.logger.warn({ err, documentId: update.documentId, seq: update.seq }, "docstore update not announced");
      });
    }
  }
}

function docOf(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc({ guid: "revision" });
  Y.applyUpdate(doc, state);
  return doc;
}

function contentOf(doc: Y.Doc): Omit<DocumentContent, "seq"> {
  const node = yDocToNode(doc);
  return { json: nodeToJSON(node), markdown: nodeToMarkdown(node), text: nodeToText(node) };
}
