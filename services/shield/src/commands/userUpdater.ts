import type { ShieldContext } from "../context.js";
import { shieldProblem } from "../errors.js";
import { removeUserMemberships } from "../store/membershipStore.js";
import { revokeUserFamilies } from "../store/refreshTokenStore.js";
import { deleteUser, isUniqueViolation, lockUser, updateUser, type UserRow } from "../store/userStore.js";
import { normalizeEmail } from "./passwordPolicy.js";
import { revokeFamilies } from "./tokenRevoker.js";
import { enqueueUserEvent } from "./userEvents.js";

const gone = () => shieldProblem("SHIELD_ERR_USER_NOT_FOUND", "This account no longer exists.");

/** PATCH /users/me: changes name and/or email; `user.updated` carries exactly the changed fields. */
export async function userUpdater({ ctx, userId, name, email }: { ctx: ShieldContext; userId: string; name?: string; email?: string }): Promise<UserRow> {
  try {
    return await ctx.db.transaction(async (tx) => {
      const before = await lockUser(tx, userId);
      if (!before) throw gone();
      const changes: Record<string, string> = {};
      const newName = name?.trim();
      const newEmail = email === undefined ? undefined : normalizeEmail(email);
      if (newName !== undefined && newName !== before.name) changes["name"] = newName;
      if (newEmail !== undefined && newEmail !== before.email) changes["email"] = newEmail;
      if (Object.keys(changes).length === 0) return before;
      const after = (await updateUser(tx, userId, changes))!;
      await enqueueUserEvent(ctx, tx, { userId, email: after.email, action: "updated", changes });
      return after;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw shieldProblem("SHIELD_ERR_EMAIL_TAKEN", "An account with this email already exists.");
    throw err;
  }
}

/** DELETE /users/me: the account, its logins and its memberships go; `user.deleted` tells the others. */
export async function userDeleter({ ctx, userId }: { ctx: ShieldContext; userId: string }): Promise<void> {
  const families = await ctx.db.transaction(async (tx) => {
    const revoked = await revokeUserFamilies(tx, userId);
    const user = await deleteUser(tx, userId);
    if (!user) throw gone();
    await removeUserMemberships(tx, userId);
    await enqueueUserEvent(ctx, tx, { userId, email: user.email, action: "deleted" });
    return revoked;
  });
  // Access tokens already minted stop working now, not when they expire.
  await revokeFamilies(ctx, families);
}
