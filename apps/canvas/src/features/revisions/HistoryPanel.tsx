import { useState } from "react";
import { useAction } from "../../hooks/useAction";
import { useResource } from "../../hooks/useResource";
import { errorMessage } from "../../lib/problem";
import { useServices } from "../../lib/services";
import type { Page, Revision, RevisionWithContent } from "../../lib/types";
import { Button, MessageNotice, Notice, relativeTime } from "../../lib/ui";
import { MarkdownPreview } from "./MarkdownPreview";

/** docstore's RevisionReason, in words. */
const REASONS: Record<string, string> = { idle: "Autosaved", save: "Saved", restore: "Restored", created: "Created" };

/** Revisions newest first; preview one, restore it as a new change everyone receives live. */
export function HistoryPanel({ documentId, canRestore, onClose }: { documentId: string; canRestore: boolean; onClose: () => void }) {
  const { api } = useServices();
  const { message, setMessage, changes, act } = useAction();
  const [selected, setSelected] = useState<number | null>(null);
  const list = useResource(`revs:${documentId}`, (signal) => api.get<Page<Revision>>(`/api/v1/documents/${documentId}/revisions?limit=50`, signal), changes);
  const preview = useResource(selected === null ? null : `rev:${documentId}:${selected}`, (signal) =>
    api.get<RevisionWithContent>(`/api/v1/documents/${documentId}/revisions/${selected}`, signal),
  );

  return (
    <aside className="side-panel" aria-label="Revision history">
      <header className="side-panel-head">
        <h2>History</h2>
        <button type="button" className="icon-btn" aria-label="Close history" onClick={onClose}>
          ×
        </button>
      </header>
      <MessageNotice message={message} onDismiss={() => setMessage(null)} />
      {canRestore && (
        <Button onClick={() => void act(() => api.post(`/api/v1/documents/${documentId}/revisions`), "Saved a revision of the current state.")}>Save a revision now</Button>
      )}
      {list.error ? <Notice>{errorMessage(list.error)}</Notice> : null}
      {list.data?.items.length === 0 && <p className="muted small">No revisions yet. They are saved automatically after a pause in editing.</p>}
      <ul className="rev-list">
        {list.data?.items.map((rev) => (
          <li key={rev.rev}>
            <button type="button" className={`rev ${selected === rev.rev ? "active" : ""}`} onClick={() => setSelected(rev.rev)}>
              <span>
                Revision {rev.rev} <span className="muted small">· {REASONS[rev.reason] ?? rev.reason}</span>
              </span>
              <span className="muted small">{relativeTime(rev.created_at)}</span>
            </button>
          </li>
        ))}
      </ul>
      {selected !== null && (
        <div className="rev-preview">
          <div className="rev-preview-head">
            <strong>Revision {selected}</strong>
            {canRestore && (
              <Button variant="primary" onClick={() => void act(() => api.post(`/api/v1/documents/${documentId}/revisions/${selected}/restore`), `Restored revision ${selected}.`)}>
                Restore this version
              </Button>
            )}
          </div>
          {preview.error ? <Notice>{errorMessage(preview.error)}</Notice> : null}
          {preview.data && <MarkdownPreview markdown={preview.data.content.markdown} />}
        </div>
      )}
    </aside>
  );
}
