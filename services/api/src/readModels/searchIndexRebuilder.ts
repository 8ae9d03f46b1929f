import type { DocStore } from "@materi/docstore";
import type { Queryable } from "@materi/platform";
import { documentIdsAfter, setSearchText } from "../store/searchIndexStore.js";

const PAGE = 200;

export interface SearchIndexReport {
  documents: number;
  changed: number;
  failed: { document_id: string; error: string }[];
}

/**
 * Recomputes `api.documents.search_text` and `content_seq` from the docstore, the source of
 * truth for content: each document's text as readContent gives it now. A document the docstore
 * cannot read is reported and left as it was; the caller fails the run.
 */
export async function rebuildSearchIndex(input: { db: Queryable; docs: Pick<DocStore, "readContent"> }): Promise<SearchIndexReport> {
  const report: SearchIndexReport = { documents: 0, changed: 0, failed: [] };
  let after: string | null = null;
  for (;;) {
    const ids = await documentIdsAfter(input.db, after, PAGE);
    for (const id of ids) {
      report.documents++;
      try {
        const content = await input.docs.readContent(id);
        if (await setSearchText(input.db, id, content.text, content.seq)) report.changed++;
      } catch (err) {
        report.failed.push({ document_id: id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (ids.length < PAGE) return report;
    after = ids[ids.length - 1] ?? null;
  }
}
