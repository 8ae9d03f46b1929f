import { useEffect } from "react";
import { useChangeCounter } from "../../lib/changes";
import { navigate, paths, type Route } from "../../lib/router";
import { useServices } from "../../lib/services";
import type { User, Workspace } from "../../lib/types";
import { Notice, Spinner } from "../../lib/ui";
import { useResource } from "../../hooks/useResource";
import { DocumentPage, SHARED_WITH_YOU } from "../documents/DocumentPage";
import { TrashPage } from "../documents/TrashPage";
import { WorkspaceHome } from "../documents/WorkspaceHome";
import { FirstWorkspace } from "../workspaces/FirstWorkspace";
import { SettingsPage } from "../workspaces/SettingsPage";
import { Sidebar } from "./Sidebar";

const LAST_WORKSPACE_KEY = "materi.lastWorkspace";

/** The signed-in frame: the sidebar of the current workspace and the page beside it. */
export function AppShell({ route, user }: { route: Route; user: User }) {
  const { api } = useServices();
  const changes = useChangeCounter("workspaces");
  const workspaces = useResource("workspaces", (signal) => api.get<{ items: Workspace[] }>("/api/v1/workspaces?limit=200", signal), changes);
  const list = workspaces.data?.items;
  const workspaceId = "workspaceId" in route ? route.workspaceId : undefined;
  const workspace = list?.find((w) => w.id === workspaceId);

  useEffect(() => {
    if (workspaceId) localStorage.setItem(LAST_WORKSPACE_KEY, workspaceId);
  }, [workspaceId]);

  useEffect(() => {
    if (route.page !== "home" || !list || list.length === 0) return;
    const last = localStorage.getItem(LAST_WORKSPACE_KEY);
    const target = list.find((w) => w.id === last) ?? list[0]!;
    navigate(paths.workspace(target.id), { replace: true });
  }, [route.page, list]);

  if (!list && route.page === "document") {
    // Opening a document does not wait for the workspace list: the editor starts at once.
    const pending: Workspace = { id: route.workspaceId, name: "", role: "viewer", created_at: "", updated_at: "" };
    return (
      <div className="shell">
        <aside className="sidebar" aria-busy="true" />
        <main className="main">{pageOf(route, pending, user)}</main>
      </div>
    );
  }
  if (!list) {
    return <div className="center-page">{workspaces.error ? <Notice>{String((workspaces.error as Error).message)}</Notice> : <Spinner />}</div>;
  }
  if (!workspace && route.page === "document") {
    // Shared with this person directly or by link, in a workspace they are not a member of.
    const shared: Workspace = { id: route.workspaceId, name: SHARED_WITH_YOU, role: "viewer", created_at: "", updated_at: "" };
    return (
      <div className="shell shell-solo">
        <aside className="sidebar" hidden />
        <main className="main">
          <DocumentPage key={route.documentId} documentId={route.documentId} workspace={shared} user={user} />
        </main>
      </div>
    );
  }
  if (list.length === 0) return <FirstWorkspace user={user} />;
  if (route.page === "home") return null;
  if (!workspace) {
    return (
      <div className="center-page">
        <Notice>This workspace does not exist or you are not a member of it.</Notice>
        <a href="/">Go to your workspaces</a>
      </div>
    );
  }

  return (
    <div className="shell">
      <Sidebar workspaces={list} workspace={workspace} user={user} route={route} />
      <main className="main">{pageOf(route, workspace, user)}</main>
    </div>
  );
}

function pageOf(route: Route, workspace: Workspace, user: User) {
  switch (route.page) {
    case "document":
      return <DocumentPage key={route.documentId} documentId={route.documentId} workspace={workspace} user={user} />;
    case "settings":
      return <SettingsPage workspace={workspace} user={user} />;
    case "trash":
      return <TrashPage workspace={workspace} />;
    default:
      return <WorkspaceHome workspace={workspace} />;
  }
}
