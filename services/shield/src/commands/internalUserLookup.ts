import { platformProblem } from "@materi/platform";
import type { ShieldContext } from "../context.js";
import { shieldProblem } from "../errors.js";
import { findUserById, type UserRow } from "../store/userStore.js";
import type { UserCache } from "../tokens/UserCache.js";

/** A user for another service, and whether it came from the degraded-mode cache. */
export interface LookedUpUser {
  user: UserRow;
  degraded: boolean;
}

/** GET /internal/user/{id}: the database when it answers, else a recent copy, flagged. */
export async function internalUserLookup({ ctx, cache, userId }: { ctx: ShieldContext; cache: UserCache; userId: string }): Promise<LookedUpUser> {
  let user: UserRow | undefined;
  try {
    user = await findUserById(ctx.db, userId);
  } catch (err) {
    const cached = cache.get(userId);
    if (cached) return { user: cached, degraded: true };
    throw platformProblem("PLATFORM_ERR_UPSTREAM_UNAVAILABLE", "The user store is unreachable and this user is not cached.", {
      cause: err,
      headers: { "Retry-After": "5" },
    });
  }
  if (!user) {
    cache.delete(userId);
    throw shieldProblem("SHIELD_ERR_USER_NOT_FOUND", `No user ${userId}.`);
  }
  cache.set(user);
  return { user, degraded: false };
}
