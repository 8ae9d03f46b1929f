import { useState } from "react";
import { errorMessage } from "../../lib/problem";
import { useServices } from "../../lib/services";
import type { Invitation, Workspace } from "../../lib/types";
import { Button, Notice, ROLE_LABELS } from "../../lib/ui";

/** Open invitations: who was invited, as what, until when; admins revoke them. */
export function InvitationList({ workspace, invitations, error, onChanged }: { workspace: Workspace; invitations: Invitation[]; error: unknown; onChanged: () => void }) {
  const { api } = useServices();
  const [failure, setFailure] = useState<string | null>(null);
  const revoke = async (id: string) => {
    setFailure(null);
    try {
      await api.delete(`/api/v1/workspaces/${workspace.id}/invitations/${id}`);
      onChanged();
    } catch (err) {
      setFailure(errorMessage(err));
    }
  };
  return (
    <section className="card">
      <h2>Invitations</h2>
      {error ? <Notice>{(error as Error).message}</Notice> : null}
      {failure && <Notice>{failure}</Notice>}
      {invitations.length === 0 && <p className="muted small">No open invitations. Add someone without an account above to invite them.</p>}
      <ul className="rows">
        {invitations.map((inv) => (
          <li key={inv.id} className="row">
            <div className="row-main">
              <span>{inv.email}</span>
              <span className="muted small">
                {ROLE_LABELS[inv.role]} · {inv.status === "expired" ? "expired" : `expires ${new Date(inv.expires_at).toLocaleDateString()}`}
              </span>
            </div>
            <Button variant="ghost" onClick={() => void revoke(inv.id)}>
              Revoke
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
