import { useAction } from "../../hooks/useAction";
import { useResource } from "../../hooks/useResource";
import { EmailRoleForm } from "../people/EmailRoleForm";
import { notifyChanged } from "../../lib/changes";
import { navigate } from "../../lib/router";
import { useServices } from "../../lib/services";
import type { Member, Role, User, Workspace } from "../../lib/types";
import { Avatar, Button, MessageNotice, Notice, ROLE_LABELS, RoleSelect } from "../../lib/ui";

const ROLES: Role[] = ["owner", "admin", "editor", "commenter", "viewer"];
const INVITE_ROLES: Role[] = ["admin", "editor", "commenter", "viewer"];

/** Members with their roles; admins add people by email (unknown addresses become invitations). */
export function MemberList({ workspace, user, isAdmin, onInvited }: { workspace: Workspace; user: User; isAdmin: boolean; onInvited: () => void }) {
  const { api } = useServices();
  const { message, setMessage, changes, act } = useAction();
  const members = useResource(`members:${workspace.id}`, (signal) =>
    api.get<{ items: Member[] }>(`/api/v1/workspaces/${workspace.id}/members?limit=200`, signal), changes);

  const add = (email: string, role: Role) =>
    act(async () => {
      const { data } = await api.request<{ invitation?: unknown }>("POST", `/api/v1/workspaces/${workspace.id}/members`, { body: { email, role } });
      if (data.invitation) onInvited();
      setMessage({ kind: "info", text: data.invitation ? `${email} has no account yet: an invitation was sent.` : `${email} was added.` });
    });

  const leave = () =>
    act(async () => {
      await api.delete(`/api/v1/workspaces/${workspace.id}/members/${user.id}`);
      notifyChanged("workspaces");
      navigate("/");
    });

  return (
    <section className="card">
      <h2>Members</h2>
      <MessageNotice message={message} onDismiss={() => setMessage(null)} />
      {isAdmin && (
        <EmailRoleForm label="Add people by email" submitLabel="Add" roles={INVITE_ROLES} initialRole="editor" onSubmit={add} />
      )}
      {members.error ? <Notice>{(members.error as Error).message}</Notice> : null}
      <ul className="rows">
        {members.data?.items.map((m) => {
          const label = m.name ?? m.email ?? "Unknown user";
          return (
            <li key={m.user_id} className="row">
              <Avatar name={label} id={m.user_id} />
              <div className="row-main">
                <span>
                  {label}
                  {m.user_id === user.id && <span className="muted"> (you)</span>}
                </span>
                {m.email && <span className="muted small">{m.email}</span>}
              </div>
              {isAdmin && m.user_id !== user.id ? (
                <>
                  <RoleSelect
                    label={`Role of ${label}`}
                    roles={ROLES}
                    value={m.role}
                    onChange={(next) => void act(() => api.patch(`/api/v1/workspaces/${workspace.id}/members/${m.user_id}`, { role: next }), "Role changed.")}
                  />
                  <Button variant="ghost" onClick={() => void act(() => api.delete(`/api/v1/workspaces/${workspace.id}/members/${m.user_id}`), `${label} was removed.`)}>
                    Remove
                  </Button>
                </>
              ) : (
                <span className="pill">{ROLE_LABELS[m.role]}</span>
              )}
            </li>
          );
        })}
      </ul>
      <div className="card-foot">
        <Button variant="ghost" onClick={() => void leave()}>
          Leave this workspace
        </Button>
      </div>
    </section>
  );
}
