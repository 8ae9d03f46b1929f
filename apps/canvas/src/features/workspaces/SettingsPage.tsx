import { useState, type FormEvent } from "react";
import { useAction } from "../../hooks/useAction";
import { useResource } from "../../hooks/useResource";
import { notifyChanged } from "../../lib/changes";
import { useServices } from "../../lib/services";
import { ADMIN_ROLES, type Invitation, type User, type Workspace } from "../../lib/types";
import { Button, MessageNotice, PageHeader } from "../../lib/ui";
import { InvitationList } from "./InvitationList";
import { MemberList } from "./MemberList";

/** The workspace's name, its members and roles, and open invitations. */
export function SettingsPage({ workspace, user }: { workspace: Workspace; user: User }) {
  const { api } = useServices();
  const isAdmin = ADMIN_ROLES.includes(workspace.role);
  const [name, setName] = useState(workspace.name);
  const { message, setMessage, act } = useAction();
  const [inviteChanges, setInviteChanges] = useState(0);
  const invitations = useResource(isAdmin ? `inv:${workspace.id}` : null, (signal) =>
    api.get<{ items: Invitation[] }>(`/api/v1/workspaces/${workspace.id}/invitations?limit=200`, signal), inviteChanges);

  const rename = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      await api.patch(`/api/v1/workspaces/${workspace.id}`, { name: name.trim() });
      notifyChanged("workspaces");
    }, "Workspace renamed.");
  };

  return (
    <div className="page">
      <PageHeader workspaceName={workspace.name} title="Members & settings" />
      <div className="page-body narrow">
        <MessageNotice message={message} onDismiss={() => setMessage(null)} />
        <section className="card">
          <h2>General</h2>
          <form className="inline-form" onSubmit={rename}>
            <label className="grow">
              Name
              <input value={name} disabled={!isAdmin} onChange={(e) => setName(e.target.value)} maxLength={200} />
            </label>
            {isAdmin && (
              <Button type="submit" disabled={!name.trim() || name.trim() === workspace.name}>
                Rename
              </Button>
            )}
          </form>
          <p className="muted small">Your role here: {workspace.role}.</p>
        </section>
        <MemberList workspace={workspace} user={user} isAdmin={isAdmin} onInvited={() => setInviteChanges((n) => n + 1)} />
        {isAdmin && (
          <InvitationList workspace={workspace} invitations={invitations.data?.items ?? []} error={invitations.error} onChanged={() => setInviteChanges((n) => n + 1)} />
        )}
      </div>
    </div>
  );
}
