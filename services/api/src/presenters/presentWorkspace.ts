import type { Role } from "@materi/contracts";
import type { WorkspaceRow } from "../store/workspaceStore.js";

export interface PresentedWorkspace {
  id: string;
  name: string;
  /** The caller's role in it. */
  role: Role;
  created_at: string;
  updated_at: string;
}

export function presentWorkspace(workspace: WorkspaceRow, role: Role): PresentedWorkspace {
  return {
    id: workspace.id,
    name: workspace.name,
    role,
    created_at: workspace.created_at.toISOString(),
    updated_at: workspace.updated_at.toISOString(),
  };
}
