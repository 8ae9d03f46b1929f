import { useState } from "react";
import { useAction } from "../../hooks/useAction";
import { useResource } from "../../hooks/useResource";
import { EmailRoleForm } from "../people/EmailRoleForm";
import { errorMessage } from "../../lib/problem";
import { useServices } from "../../lib/services";
import type { Share, ShareLink, ShareRole } from "../../lib/types";
import { Avatar, Button, Dialog, MessageNotice, Notice, ROLE_LABELS, RoleSelect } from "../../lib/ui";

const SHARE_ROLES: ShareRole[] = ["viewer", "commenter", "editor"];

/** People the document is shared with, and links that grant a role to whoever opens them. */
export function ShareDialog({ documentId, title, canShare, onClose }: { documentId: string; title: string; canShare: boolean; onClose: () => void }) {
  const { api } = useServices();
  const { message, setMessage, changes, act } = useAction();
  const shares = useResource(`shares:${documentId}`, (signal) => api.get<{ items: Share[] }>(`/api/v1/documents/${documentId}/shares`, signal), changes);
  const links = useResource(canShare ? `links:${documentId}` : null, (signal) => api.get<{ items: ShareLink[] }>(`/api/v1/documents/${documentId}/share-links`, signal), changes);
  const [linkRole, setLinkRole] = useState<ShareRole>("viewer");
  const [newLink, setNewLink] = useState<string | null>(null);

  const share = (email: string, role: ShareRole) => act(() => api.post(`/api/v1/documents/${documentId}/shares`, { email, role }), `Shared with ${email}.`);

  const createLink = () =>
    act(async () => {
      const link = await api.post<ShareLink>(`/api/v1/documents/${documentId}/share-links`, { role: linkRole });
      setNewLink(link.url ?? null);
    });

  return (
    <Dialog title={`Share “${title}”`} onClose={onClose} wide>
      <MessageNotice message={message} onDismiss={() => setMessage(null)} />
      {canShare && (
        <EmailRoleForm label="Invite people" submitLabel="Share" roles={SHARE_ROLES} initialRole="editor" onSubmit={share} />
      )}
      <h3>People with access</h3>
      <p className="muted small">Members of the workspace have access through their workspace role.</p>
      {shares.error ? <Notice>{errorMessage(shares.error)}</Notice> : null}
      <ul className="rows">
        {shares.data?.items.length === 0 && <li className="muted small">Not shared with anyone outside their workspace role.</li>}
        {shares.data?.items.map((s) => {
          const label = s.name ?? s.email ?? "Unknown user";
          return (
            <li key={s.id} className="row">
              <Avatar name={label} id={s.user_id} />
              <div className="row-main">
                <span>{label}</span>
                {s.email && <span className="muted small">{s.email}</span>}
              </div>
              <span className="pill">{ROLE_LABELS[s.role]}</span>
              {canShare && (
                <Button variant="ghost" onClick={() => void act(() => api.delete(`/api/v1/documents/${documentId}/shares/${s.id}`), `${label} no longer has access.`)}>
                  Remove
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      {canShare && (
        <>
          <h3>Share links</h3>
          <div className="inline-form">
            <span className="grow muted small">Anyone signed in who opens a link gets its role on this document.</span>
            <RoleSelect label="Link role" roles={SHARE_ROLES} value={linkRole} onChange={setLinkRole} />
            <Button onClick={() => void createLink()}>Create link</Button>
          </div>
          {newLink && (
            <div className="new-link">
              <input readOnly value={newLink} aria-label="New share link" onFocus={(e) => e.target.select()} />
              <Button onClick={() => void navigator.clipboard?.writeText(newLink).then(() => setMessage({ kind: "info", text: "Link copied." }))}>Copy</Button>
              <p className="muted small">Copy it now: for safety, the link is shown only once.</p>
            </div>
          )}
          {links.error ? <Notice>{errorMessage(links.error)}</Notice> : null}
          <ul className="rows">
            {links.data?.items.map((link) => (
              <li key={link.id} className="row">
                <div className="row-main">
                  <span>Link · {ROLE_LABELS[link.role]}</span>
                  <span className="muted small">
                    Created {new Date(link.created_at).toLocaleDateString()}
                    {link.redeemed !== undefined ? ` · opened by ${link.redeemed}` : ""}
                  </span>
                </div>
                <Button variant="ghost" onClick={() => void act(() => api.delete(`/api/v1/documents/${documentId}/share-links/${link.id}`), "Link revoked.")}>
                  Revoke
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Dialog>
  );
}
