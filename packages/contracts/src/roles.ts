/**
 * Workspace and document roles, highest first (ARCHITECTURE.md, Security): the api decides them,
 * and every service that reads one off the wire (`/internal/permissions`, membership events)
 * ranks it the same way.
 */
export const ROLES = ["owner", "admin", "editor", "commenter", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** Roles a share or share link may grant: a document is never handed over. */
export const SHARE_ROLES = ["editor", "commenter", "viewer"] as const;
export type ShareRole = (typeof SHARE_ROLES)[number];

const RANK: Record<Role, number> = { owner: 5, admin: 4, editor: 3, commenter: 2, viewer: 1 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && Object.hasOwn(RANK, value);
}

/** True when `role` is at least `required`; a missing role is below every role. */
export function atLeast(role: Role | null | undefined, required: Role): boolean {
  return role != null && RANK[role] >= RANK[required];
}

/** The higher of two roles; null only when both are. */
export function higher(a: Role | null, b: Role | null): Role | null {
  if (a === null) return b;
  if (b === null) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** Edits content and title: editor and above. */
export function canEdit(role: Role | null): boolean {
  return atLeast(role, "editor");
}
