import { useCallback, useEffect, useState } from "react";
import { NetworkError } from "../../lib/problem";
import { useServices } from "../../lib/services";
import type { DocumentFull, DocumentSummary, Role } from "../../lib/types";

/** What the page needs of a document; content is left to the editor (Yjs). */
export type DocumentMeta = Pick<DocumentSummary, "id" | "workspace_id" | "title" | "version" | "updated_at"> & { role: Role };

const CACHE_PREFIX = "materi.doc.";

/**
 * The document's metadata and the caller's role. The last answer is kept on this device so the
 * document still opens (from IndexedDB) when the API cannot be reached: the offline mode.
 */
export function useDocument(documentId: string) {
  const { api } = useServices();
  const [meta, setMeta] = useState<DocumentMeta | null>(() => cached(documentId));
  const [error, setError] = useState<unknown>(null);
  const [stale, setStale] = useState(false);

  const load = useCallback(async () => {
    try {
      const { data, headers } = await api.request<DocumentFull>("GET", `/api/v1/documents/${documentId}`);
      const next = metaOf(data, headers.get("etag"));
      localStorage.setItem(CACHE_PREFIX + documentId, JSON.stringify(next));
      setMeta(next);
      setError(null);
      setStale(false);
    } catch (err) {
      if (err instanceof NetworkError && cached(documentId)) setStale(true);
      else setError(err);
    }
  }, [api, documentId]);

  useEffect(() => {
    void load();
  }, [load]);

  const update = useCallback(
    (next: DocumentMeta) => {
      localStorage.setItem(CACHE_PREFIX + documentId, JSON.stringify(next));
      setMeta(next);
    },
    [documentId],
  );

  return { meta, error, stale, reload: load, update };
}

/** The version comes from the ETag when present: it is what If-Match compares. */
export function metaOf(doc: DocumentSummary & { role: Role }, etag: string | null): DocumentMeta {
  const tagged = etag ? Number(/"?(\d+)"?/.exec(etag)?.[1]) : NaN;
  return {
    id: doc.id,
    workspace_id: doc.workspace_id,
    title: doc.title,
    version: Number.isFinite(tagged) ? tagged : doc.version,
    updated_at: doc.updated_at,
    role: doc.role,
  };
}

function cached(documentId: string): DocumentMeta | null {
  try {
    const raw = localStorage.getItem(CACHE_PREFIX + documentId);
    return raw ? (JSON.parse(raw) as DocumentMeta) : null;
  } catch {
    // A corrupted cache entry is as good as none.
    return null;
  }
}
