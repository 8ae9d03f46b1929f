import type { ShieldContext } from "../context.js";
import { shieldProblem } from "../errors.js";
import { revokeUserFamilies } from "../store/refreshTokenStore.js";
import { findUserById, setPasswordHash } from "../store/userStore.js";
import { hashPassword, verifyPassword } from "./passwordHasher.js";
import { checkPasswordPolicy } from "./passwordPolicy.js";
import { revokeFamilies } from "./tokenRevoker.js";

export interface PasswordChangerProps {
  ctx: ShieldContext;
  userId: string;
  currentPassword: string;
  newPassword: string;
  /** The refresh family of the session making the change: it stays signed in. */
  keepFamily?: string;
}

/** POST /users/me/password: needs the current password; every other login is signed out. */
export async function passwordChanger({ ctx, userId, currentPassword, newPassword, keepFamily }: PasswordChangerProps): Promise<void> {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw shieldProblem("SHIELD_ERR_USER_NOT_FOUND", "This account no longer exists.");
  if (!(await verifyPassword(user.password_hash, currentPassword))) {
    throw shieldProblem("SHIELD_ERR_WRONG_PASSWORD", "The current password is wrong.");
  }
  checkPasswordPolicy(newPassword, user.email);
  const passwordHash = await hashPassword(newPassword);
  const revoked = await ctx.db.transaction(async (tx) => {
    await setPasswordHash(tx, userId, passwordHash);
    return revokeUserFamilies(tx, userId, keepFamily);
  });
  await revokeFamilies(ctx, revoked);
}
