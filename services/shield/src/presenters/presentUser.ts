import type { UserRow } from "../store/userStore.js";

/** A user as the public API shows it: never the password hash. */
export function presentUser(user: UserRow): { id: string; email: string; name: string; created_at: string } {
  return { id: user.id, email: user.email, name: user.name, created_at: user.created_at.toISOString() };
}
