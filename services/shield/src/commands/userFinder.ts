import type { ShieldContext } from "../context.js";
import { shieldProblem } from "../errors.js";
import { shareWorkspace } from "../store/membershipStore.js";
import { findUserById, type UserRow } from "../store/userStore.js";

/**
 * A user as `callerId` may see it: themself, or someone sharing a workspace with them. Anyone
 * else is a 404, not a 403, so ids cannot be probed for existence (issue 5).
 */
export async function userFinder({ ctx, callerId, userId }: { ctx: ShieldContext; callerId: string; userId: string }): Promise<UserRow> {
  const [user, visible] = await Promise.all([findUserById(ctx.db, userId), shareWorkspace(ctx.db, callerId, userId)]);
  if (!user || !visible) throw shieldProblem("SHIELD_ERR_USER_NOT_FOUND", `No user ${userId} is visible to you.`);
  return user;
}
