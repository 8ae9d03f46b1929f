import type { Role } from "@materi/contracts";

/** What the api said about one user on one document. */
export interface Grant {
  /** null: no access. */
  role: Role | null;
  workspaceId: string;
}

export interface PermissionSource {
  /**
   * The user's grant on the document; null when the document does not exist. `fresh` asks the api
   * to bypass its cache (after a permission event). Rejects with PermissionsUnavailableError when
   * the api cannot answer and no recent grant is cached.
   */
  check(userId: string, documentId: string, opts?: { fresh?: boolean }): Promise<Grant | null>;
  close(): Promise<void>;
}

export class PermissionsUnavailableError extends Error {
  override readonly name = "PermissionsUnavailableError";
}
