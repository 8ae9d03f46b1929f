/** Shapes of the API's JSON as the canvas uses them (services/api/src/presenters, services/shield). */

export type Role = "owner" | "admin" | "editor" | "commenter" | "viewer";
export type ShareRole = "editor" | "commenter" | "viewer";

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface TokenGrant {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: "Bearer";
}

export interface Workspace {
  id: string;
  name: string;
  role: Role;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface DocumentSummary {
  id: string;
  workspace_id: string;
  title: string;
  version: number;
  content_seq: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
  trashed_at?: string;
}

export interface ProseMirrorJSON {
  type: string;
  content?: ProseMirrorJSON[];
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
}

export interface DocumentContent {
  markdown: string;
  json: ProseMirrorJSON;
}

export interface DocumentFull extends DocumentSummary {
  content: DocumentContent;
  role: Role;
}

export interface Member {
  user_id: string;
  email: string | null;
  name: string | null;
  role: Role;
  created_at: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  expires_at: string;
  status: "pending" | "expired";
}

export interface Share {
  id: string;
  user_id: string;
  email: string | null;
  name: string | null;
  role: ShareRole;
}

export interface ShareLink {
  id: string;
  role: ShareRole;
  created_at: string;
  redeemed?: number;
  /** Only in the answer that created it. */
  url?: string;
}

export interface Revision {
  rev: number;
  seq: number;
  reason: string;
  user_id: string | null;
  created_at: string;
}

export interface RevisionWithContent extends Revision {
  content: DocumentContent;
}

/** Roles that may change content: the editor is read-only below these. */
export const WRITER_ROLES: readonly Role[] = ["owner", "admin", "editor"];
export const ADMIN_ROLES: readonly Role[] = ["owner", "admin"];
