import { useState } from "react";
import { useResource } from "../../hooks/useResource";
import { notifyChanged, useChangeCounter } from "../../lib/changes";
import { errorMessage } from "../../lib/problem";
import { navigate, paths } from "../../lib/router";
import { useServices } from "../../lib/services";
import type { DocumentSummary, Page, Workspace } from "../../lib/types";
import { Button, Notice, PageHeader, relativeTime } from "../../lib/ui";

/** Trashed documents of the workspace, restorable until the retention passes. */
export function TrashPage({ workspace }: { workspace: Workspace }) {
  const { api } = useServices();
  const changes = useChangeCounter("documents");
  const trash = useResource(`trash:${workspace.id}`, (signal) => api.get<Page<DocumentSummary>>(`/api/v1/workspaces/${workspace.id}/trash?limit=200`, signal), changes);
  const [failure, setFailure] = useState<string | null>(null);

  const restore = async (doc: DocumentSummary) => {
    setFailure(null);
    try {
      await api.post(`/api/v1/documents/${doc.id}/restore`);
      notifyChanged("documents");
      navigate(paths.document(workspace.id, doc.id));
    } catch (err) {
      setFailure(errorMessage(err));
    }
  };

  return (
    <div className="page">
      <PageHeader workspaceName={workspace.name} title="Trash" />
      <div className="page-body narrow">
        <p className="muted">Documents stay here for a while after they are deleted, then they are removed for good.</p>
        {failure && <Notice onDismiss={() => setFailure(null)}>{failure}</Notice>}
        {trash.error ? <Notice>{(trash.error as Error).message}</Notice> : null}
        {trash.data?.items.length === 0 && <p className="muted">The trash is empty.</p>}
        <ul className="rows card">
          {trash.data?.items.map((doc) => (
            <li key={doc.id} className="row">
              <div className="row-main">
                <span>{doc.title}</span>
                <span className="muted small">Deleted {doc.trashed_at ? relativeTime(doc.trashed_at) : ""}</span>
              </div>
              <Button onClick={() => void restore(doc)}>Restore</Button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
