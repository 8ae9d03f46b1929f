import type { Editor } from "@tiptap/core";
import { lazy, Suspense, useCallback, useState } from "react";
import { notifyChanged } from "../../lib/changes";
import { errorMessage } from "../../lib/problem";
import { Link } from "../../lib/Link";
import { navigate, paths } from "../../lib/router";
import { useServices } from "../../lib/services";
import { WRITER_ROLES, type User, type Workspace } from "../../lib/types";
import { Avatar, Button, colorFor, Notice } from "../../lib/ui";
import { AiPanel } from "../ai/AiPanel";
import { INITIAL_STATE, type CollabState, type Peer } from "../editor/collabTypes";
import { loadEditor } from "../editor/loadEditor";
import { HistoryPanel } from "../revisions/HistoryPanel";
import { ShareDialog } from "./ShareDialog";
import { SyncStatus } from "./SyncStatus";
import { TitleField } from "./TitleField";
import { useDocument } from "./useDocument";

// ProseMirror, TipTap and Yjs arrive only when a document opens.
const CollaborativeEditor = lazy(loadEditor);

type Panel = "ai" | "history" | null;

/** The name shown for a document shared with someone outside its workspace. */
export const SHARED_WITH_YOU = "Shared with you";

/** One document: title, collaborative body, presence, saving state, and its tools. */
export function DocumentPage({ documentId, workspace, user }: { documentId: string; workspace: Workspace; user: User }) {
  const { api, session } = useServices();
  const { meta, error, stale, update } = useDocument(documentId);
  const [collab, setCollab] = useState<CollabState>(INITIAL_STATE);
  const [peers, setPeers] = useState<Peer[]>([]);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [panel, setPanel] = useState<Panel>(null);
  const [sharing, setSharing] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const getToken = useCallback(async () => {
    const current = session.current;
    // A token about to expire would be refused mid-handshake: renew it first.
    if (current && current.expiresAt - Date.now() < 30_000) return (await session.refresh())?.accessToken ?? "";
    return current?.accessToken ?? "";
  }, [session]);

  if (!meta && error) {
    return (
      <div className="center-page">
        <Notice>{errorMessage(error)}</Notice>
      </div>
    );
  }

  // The editor starts before the metadata arrives (read-only until the role is known): the relay
  // sync and the API call then run side by side.
  const canWrite = meta ? WRITER_ROLES.includes(meta.role) : false;
  const offline = collab.connection === "disconnected";

  const trash = async () => {
    if (!meta) return;
    if (!confirm(`Move “${meta.title}” to the trash? You can restore it from the trash later.`)) return;
    try {
      await api.delete(`/api/v1/documents/${meta.id}`);
      notifyChanged("documents");
      navigate(paths.workspace(workspace.id));
    } catch (err) {
      setFailure(errorMessage(err));
    }
  };

  return (
    <div className="page document-page" data-document-id={documentId}>
      <header className="topbar">
        <div className="crumbs">
          <Link href={workspace.name === SHARED_WITH_YOU ? "/" : paths.workspace(workspace.id)} className="crumb-link">
            {workspace.name}
          </Link>
          <span className="crumb-sep">/</span>
          <strong className="crumb-title">{meta?.title}</strong>
          {meta && !canWrite && <span className="pill">{meta.role === "commenter" ? "Can comment" : "View only"}</span>}
        </div>
        <div className="topbar-actions">
          <div className="presence" aria-label="People in this document">
            {peers.slice(0, 5).map((peer) => (
              <span key={peer.clientId} className="presence-avatar" style={{ boxShadow: `0 0 0 2px ${peer.color}` }}>
                <Avatar name={peer.name} id={String(peer.clientId)} color={peer.color} size={26} />
              </span>
            ))}
          </div>
          <SyncStatus state={collab} readOnly={meta ? !canWrite : undefined} />
          <Button onClick={() => setSharing(true)} disabled={!meta}>
            Share
          </Button>
          <Button variant={panel === "history" ? "primary" : "default"} onClick={() => setPanel(panel === "history" ? null : "history")}>
            History
          </Button>
          {canWrite && (
            <Button variant={panel === "ai" ? "primary" : "default"} onClick={() => setPanel(panel === "ai" ? null : "ai")}>
              ✦ Ask AI
            </Button>
          )}
          {canWrite && (
            <Button variant="ghost" title="Move to trash" aria-label="Move to trash" onClick={() => void trash()}>
              Delete
            </Button>
          )}
        </div>
      </header>
      {offline && (
        <div className="banner banner-offline" role="status">
          You are offline. Your changes are kept on this device and will be merged when the connection returns.
        </div>
      )}
      {stale && !offline && <div className="banner banner-offline">Materi cannot be reached; showing the copy on this device.</div>}
      {collab.denied && <Notice>{collab.denied}</Notice>}
      <div className="document-layout">
        <article className="document">
          {failure && <Notice onDismiss={() => setFailure(null)}>{failure}</Notice>}
          {meta ? <TitleField meta={meta} editable={canWrite} onSaved={update} onError={setFailure} /> : <div className="doc-title-skeleton" />}
          <Suspense fallback={<div className="editor-placeholder" />}>
            <CollaborativeEditor
              documentId={documentId}
              user={{ id: user.id, name: user.name }}
              color={colorFor(user.id)}
              readOnly={!canWrite}
              getToken={getToken}
              onState={setCollab}
              onPeers={setPeers}
              onEditor={setEditor}
            />
          </Suspense>
        </article>
        {panel === "ai" && <AiPanel workspaceId={workspace.id} documentId={documentId} editor={editor} onClose={() => setPanel(null)} />}
        {panel === "history" && <HistoryPanel documentId={documentId} canRestore={canWrite} onClose={() => setPanel(null)} />}
      </div>
      {sharing && meta && <ShareDialog documentId={meta.id} title={meta.title} canShare={canWrite} onClose={() => setSharing(false)} />}
    </div>
  );
}
