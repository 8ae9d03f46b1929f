import { createServiceClient, HttpError, type Database, type Logger } from "@materi/platform";
import { findDirectoryUserByEmail, findDirectoryUserById, upsertDirectoryUser, type DirectoryUser } from "../store/userDirectoryStore.js";
import { normalizeEmail, type UserDirectory } from "./UserDirectory.js";

export interface UserDirectoryOptions {
  db: Database;
  logger: Logger;
  /** Shield's base URL, for /internal/user/{id}. */
  shieldUrl: string;
  /** Sent as X-Service-Key (the first one). */
  serviceKeys: readonly string[];
  /** Per-attempt limit of a Shield lookup, in ms. Default 2000. */
  timeoutMs?: number;
}

interface ShieldUser {
  id: string;
  email: string;
  name: string;
}

/**
 * The local directory first; on a miss by id, Shield through the shield breaker (spec figures:
 * 5 failures in 10 s, 30 s recovery). A user found at Shield is written to the directory, so
 * later lookups, and lookups while Shield is down, answer locally.
 */
export function createUserDirectory(opts: UserDirectoryOptions): UserDirectory {
  // A lookup sits inside a user's request: one quick attempt, then "unknown" (createServiceClient).
  const shield = createServiceClient({ service: "shield", baseUrl: opts.shieldUrl, serviceKeys: opts.serviceKeys, timeoutMs: opts.timeoutMs });

  async function askShield(userId: string): Promise<DirectoryUser | null> {
    try {
      const body = await shield.getJson<ShieldUser>({ path: `/internal/user/${encodeURIComponent(userId)}`, template: "/internal/user/:id" });
      if (!body) return null;
      const user = { userId: body.id, email: body.email, name: body.name };
      await upsertDirectoryUser(opts.db, user);
      return { ...user, deleted: false };
    } catch (err) {
      if (err instanceof HttpError && err.status === 400) return null;
      opts.logger.warn({ err, userId }, "Shield lookup failed; treating the user as unknown");
      return null;
    }
  }

  return {
    async byId(userId) {
      const local = await findDirectoryUserById(opts.db, userId);
      if (local) return local.deleted ? null : local;
      return askShield(userId);
    },
    byEmail: (email) => findDirectoryUserByEmail(opts.db, normalizeEmail(email)),
    close: () => shield.close(),
  };
}
