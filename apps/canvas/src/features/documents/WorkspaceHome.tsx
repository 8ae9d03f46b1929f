import { useResource } from "../../hooks/useResource";
import { useChangeCounter } from "../../lib/changes";
import { Link } from "../../lib/Link";
import { paths } from "../../lib/router";
import { useServices } from "../../lib/services";
import { WRITER_ROLES, type DocumentSummary, type Page, type Workspace } from "../../lib/types";
import { Button, Notice, PageHeader, relativeTime } from "../../lib/ui";
import { useCreateDocument } from "./useCreateDocument";

/** A workspace's front page: recent documents, or a clear first step when there are none. */
export function WorkspaceHome({ workspace }: { workspace: Workspace }) {
  const { api } = useServices();
  const changes = useChangeCounter("documents");
  const documents = useResource(`home:${workspace.id}`, (signal) =>
    api.get<Page<DocumentSummary>>(`/api/v1/workspaces/${workspace.id}/documents?limit=20`, signal), changes);
  const { create, creating, error } = useCreateDocument(workspace.id);
  const canWrite = WRITER_ROLES.includes(workspace.role);
  const items = documents.data?.items ?? [];

  return (
    <div className="page">
      <PageHeader workspaceName={workspace.name} />
      <div className="page-body narrow">
        {error && <Notice>{error}</Notice>}
        {documents.error ? <Notice>{(documents.error as Error).message}</Notice> : null}
        {documents.data && items.length === 0 ? (
          <div className="empty">
            <h1>Start writing</h1>
            <p className="muted">
              {canWrite ? "This workspace has no documents yet. Create the first one; everyone you invite can edit it with you in real time." : "Nothing has been written here yet."}
            </p>
            {canWrite && (
              <Button variant="primary" onClick={() => void create()} disabled={creating}>
                Create your first document
              </Button>
            )}
          </div>
        ) : (
          <>
            <div className="section-head">
              <h1>Recent documents</h1>
              {canWrite && (
                <Button variant="primary" onClick={() => void create()} disabled={creating}>
                  New document
                </Button>
              )}
            </div>
            <ul className="rows card">
              {items.map((doc) => (
                <li key={doc.id} className="row">
                  <Link className="row-main row-link" href={paths.document(workspace.id, doc.id)}>
                    <span>{doc.title}</span>
                    <span className="muted small">Edited {relativeTime(doc.updated_at)}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}
