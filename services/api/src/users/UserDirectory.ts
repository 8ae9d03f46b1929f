import type { DirectoryUser } from "../store/userDirectoryStore.js";

/**
 * Users by id or email. The local directory (fed by `user.*` events) answers first; a miss by id
 * asks Shield's /internal/user through the shield breaker and remembers the answer, so a user
 * who signed up a moment ago is found before their event arrives. With Shield down, cached
 * data is served (the spec's "degrade to cached data").
 */
export interface UserDirectory {
  byId(userId: string): Promise<DirectoryUser | null>;
  /** `email` in any case/whitespace; normalised inside. Only the local directory answers. */
  byEmail(email: string): Promise<DirectoryUser | null>;
  /** Closes the Shield client. */
  close(): Promise<void>;
}

/** Shield's normalisation (trim, lower case), so lookups match what Shield stored. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
