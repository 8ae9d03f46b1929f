import { useState } from "react";
import { notifyChanged } from "../../lib/changes";
import { errorMessage } from "../../lib/problem";
import { navigate, paths } from "../../lib/router";
import { useServices } from "../../lib/services";
import type { DocumentFull } from "../../lib/types";

/** Creates an "Untitled" document in the workspace and opens it. */
export function useCreateDocument(workspaceId: string) {
  const { api } = useServices();
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    setCreating(true);
    setError(null);
    try {
      const doc = await api.post<DocumentFull>("/api/v1/documents", { workspace_id: workspaceId, title: "Untitled" });
      notifyChanged("documents");
      navigate(paths.document(workspaceId, doc.id));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setCreating(false);
    }
  };
  return { create, creating, error };
}
