import { useState, type FormEvent } from "react";
import { notifyChanged } from "../../lib/changes";
import { errorMessage } from "../../lib/problem";
import { navigate, paths } from "../../lib/router";
import { useServices } from "../../lib/services";
import type { Workspace } from "../../lib/types";
import { Button, Dialog, Notice } from "../../lib/ui";

/** Names a new workspace; the creator becomes its owner. */
export function WorkspaceForm({ initialName = "", onCreated }: { initialName?: string; onCreated?: () => void }) {
  const { api } = useServices();
  const [name, setName] = useState(initialName);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const workspace = await api.post<Workspace>("/api/v1/workspaces", { name: name.trim() });
      notifyChanged("workspaces");
      onCreated?.();
      navigate(paths.workspace(workspace.id));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={submit}>
      {error && <Notice>{error}</Notice>}
      <label>
        Workspace name
        <input name="workspace" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Product team" />
      </label>
      <Button type="submit" variant="primary" disabled={busy || !name.trim()}>
        {busy ? "Creating…" : "Create workspace"}
      </Button>
    </form>
  );
}

export function CreateWorkspaceDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="New workspace" onClose={onClose}>
      <WorkspaceForm onCreated={onClose} />
    </Dialog>
  );
}
