import type { Role } from "@materi/contracts";

/** The answer of GET /internal/permissions. */
export interface EffectivePermission {
  documentId: string;
  workspaceId: string;
  /** null: no access (the caller answers 404/403 as it sees fit). */
  role: Role | null;
}

/**
 * Effective roles for relay and aria, cached per (user, document); membership and share events
 * (from this or any api replica, through the documents stream) invalidate the entries they touch,
 * and PERMISSION_CACHE_MS bounds how long an entry lives regardless.
 */
export interface PermissionCache {
  /** null when the document does not exist (or was purged). */
  get(userId: string, documentId: string): Promise<EffectivePermission | null>;
  /** Forget every entry of the workspace (membership change) or document (share change). */
  invalidateWorkspace(workspaceId: string): void;
  invalidateDocument(documentId: string): void;
  invalidateUser(userId: string): void;
  stop(): Promise<void>;
}
