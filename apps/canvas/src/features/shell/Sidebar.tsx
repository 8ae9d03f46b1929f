import { useDeferredValue, useState } from "react";
import { useResource } from "../../hooks/useResource";
import { useChangeCounter } from "../../lib/changes";
import { Link } from "../../lib/Link";
import { navigate, paths, type Route } from "../../lib/router";
import { useServices } from "../../lib/services";
import type { DocumentSummary, Page, User, Workspace } from "../../lib/types";
import { WRITER_ROLES } from "../../lib/types";
import { Avatar, Brand, Notice } from "../../lib/ui";
import { useCreateDocument } from "../documents/useCreateDocument";
import { CreateWorkspaceDialog } from "../workspaces/CreateWorkspaceDialog";

/** Workspace switcher, search, the documents, and the way to trash, settings and sign out. */
export function Sidebar({ workspaces, workspace, user, route }: { workspaces: Workspace[]; workspace: Workspace; user: User; route: Route }) {
  const { api, session } = useServices();
  const [query, setQuery] = useState("");
  const [creatingWorkspace, setCreatingWorkspace] = useState(false);
  const search = useDeferredValue(query.trim());
  const changes = useChangeCounter("documents");
  const documents = useResource(`docs:${workspace.id}:${search}`, (signal) =>
    api.get<Page<DocumentSummary>>(`/api/v1/workspaces/${workspace.id}/documents?limit=200${search ? `&q=${encodeURIComponent(search)}` : ""}`, signal), changes);
  const { create, creating, error: createError } = useCreateDocument(workspace.id);
  const activeId = route.page === "document" ? route.documentId : undefined;
  const canWrite = WRITER_ROLES.includes(workspace.role);

  const switchTo = (value: string) => {
    if (value === "__new") setCreatingWorkspace(true);
    else navigate(paths.workspace(value));
  };

  return (
    <aside className="sidebar">
      <div className="sidebar-top">
        <Brand />
        <label className="visually-hidden" htmlFor="workspace-switcher">
          Workspace
        </label>
        <select id="workspace-switcher" className="workspace-switcher" value={workspace.id} onChange={(e) => switchTo(e.target.value)}>
          {workspaces.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
          <option value="__new">+ New workspace…</option>
        </select>
        <input className="search" type="search" placeholder="Search documents" aria-label="Search documents" value={query} onChange={(e) => setQuery(e.target.value)} />
        {canWrite && (
          <button type="button" className="new-doc" onClick={() => void create()} disabled={creating}>
            <span aria-hidden className="plus">+</span> New document
          </button>
        )}
        {createError && <Notice>{createError}</Notice>}
      </div>
      <nav className="doc-list" aria-label="Documents">
        {documents.error ? <Notice>{(documents.error as Error).message}</Notice> : null}
        {documents.data?.items.length === 0 && <p className="muted small pad">{search ? "No document matches your search." : "No documents yet."}</p>}
        {documents.data?.items.map((doc) => (
          <Link key={doc.id} href={paths.document(workspace.id, doc.id)} className={`doc-link ${doc.id === activeId ? "active" : ""}`}>
            <span className="doc-icon" aria-hidden>
              ▤
            </span>
            <span className="doc-title">{doc.title}</span>
          </Link>
        ))}
      </nav>
      <div className="sidebar-bottom">
        <Link href={paths.trash(workspace.id)} className={`side-link ${route.page === "trash" ? "active" : ""}`}>
          Trash
        </Link>
        <Link href={paths.settings(workspace.id)} className={`side-link ${route.page === "settings" ? "active" : ""}`}>
          Members &amp; settings
        </Link>
        <div className="me">
          <Avatar name={user.name} id={user.id} />
          <div className="me-text">
            <span className="me-name">{user.name}</span>
            <span className="me-email">{user.email}</span>
          </div>
          <button type="button" className="link-btn" onClick={() => void session.signOut().then(() => navigate("/signin"))}>
            Sign out
          </button>
        </div>
      </div>
      {creatingWorkspace && <CreateWorkspaceDialog onClose={() => setCreatingWorkspace(false)} />}
    </aside>
  );
}
