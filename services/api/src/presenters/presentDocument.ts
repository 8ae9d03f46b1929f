import type { DocumentContent, ProseMirrorJSON, Revision } from "@materi/docstore";
import type { FoundDocument } from "../commands/documentFinder.js";
import type { DocumentRow } from "../store/documentStore.js";

/** GET /documents/{id}: metadata, the caller's role, and the content as Markdown and ProseMirror JSON. */
export function presentDocument({ row, role, content }: FoundDocument) {
  return {
    ...presentDocumentSummary(row),
    content: presentContent(content),
    // The seq of the content served here (the row's may lag behind a live editor's typing).
    content_seq: Math.max(content.seq, row.content_seq),
    role,
  };
}

/** A list item: metadata only. */
export function presentDocumentSummary(row: DocumentRow) {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    title: row.title,
    version: row.version,
    content_seq: Number(row.content_seq),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    created_by: row.created_by,
    updated_by: row.updated_by,
    ...(row.trashed_at ? { trashed_at: row.trashed_at.toISOString(), trashed_by: row.trashed_by } : {}),
  };
}

export function presentContent(content: DocumentContent): { markdown: string; json: ProseMirrorJSON } {
  return { markdown: content.markdown, json: content.json };
}

export function presentRevision(revision: Revision) {
  return {
    rev: revision.rev,
    seq: revision.seq,
    reason: revision.reason,
    user_id: revision.userId,
    created_at: revision.createdAt.toISOString(),
  };
}
