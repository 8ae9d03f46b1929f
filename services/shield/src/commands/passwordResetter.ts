import { randomBytes } from "node:crypto";
import type { ShieldContext } from "../context.js";
import { shieldProblem } from "../errors.js";
import { consumePasswordReset, findUsablePasswordReset, insertPasswordReset } from "../store/passwordResetStore.js";
import { revokeUserFamilies } from "../store/refreshTokenStore.js";
import { findUserByEmail, findUserById, setPasswordHash } from "../store/userStore.js";
import { hashSecretToken } from "../tokens/secretTokenHash.js";
import { hashPassword } from "./passwordHasher.js";
import { checkPasswordPolicy, normalizeEmail } from "./passwordPolicy.js";
import { revokeFamilies } from "./tokenRevoker.js";

/**
 * POST /auth/password-reset: mails a single-use, expiring link when the account exists. The
 * caller always gets 202 at once (the mail is sent after), so the answer reveals no account.
 */
export function passwordResetRequester({ ctx, email }: { ctx: ShieldContext; email: string }): void {
  void sendResetMail(ctx, normalizeEmail(email)).catch((err: unknown) => ctx.logger.error({ err }, "password reset mail failed"));
}

async function sendResetMail(ctx: ShieldContext, email: string): Promise<void> {
  const user = await findUserByEmail(ctx.db, email);
  if (!user) return;
  const token = randomBytes(32).toString("base64url");
  await insertPasswordReset(ctx.db, { tokenHash: hashSecretToken(token), userId: user.id, ttlS: ctx.config.PASSWORD_RESET_TTL_S });
  const link = `${ctx.config.PUBLIC_URL.replace(/\/+$/, "")}/reset-password?token=${token}`;
  const minutes = Math.round(ctx.config.PASSWORD_RESET_TTL_S / 60);
  await ctx.email.send({
    to: user.email,
    subject: "Reset your Materi password",
    text: `Hello ${user.name},\n\nSomeone asked to reset the password of your Materi account. If it was you, open this link within ${minutes} minutes:\n\n${link}\n\nIf it was not you, ignore this message: your password stays as it is.\n`,
  });
}

/** POST /auth/password-reset/confirm: spends the token, sets the password, signs every session out. */
export async function passwordResetConfirmer({ ctx, token, password }: { ctx: ShieldContext; token: string; password: string }): Promise<void> {
  const invalid = () => shieldProblem("SHIELD_ERR_RESET_TOKEN_INVALID", "This reset link is invalid, expired or already used.");
  const tokenHash = hashSecretToken(token);
  const userId = await findUsablePasswordReset(ctx.db, tokenHash);
  const user = userId ? await findUserById(ctx.db, userId) : undefined;
  if (!user) throw invalid();
  // Policy first, so a weak password does not burn the link.
  checkPasswordPolicy(password, user.email);
  const passwordHash = await hashPassword(password);
  const revoked = await ctx.db.transaction(async (tx) => {
    if ((await consumePasswordReset(tx, tokenHash)) !== user.id) throw invalid();
    await setPasswordHash(tx, user.id, passwordHash);
    return revokeUserFamilies(tx, user.id);
  });
  await revokeFamilies(ctx, revoked);
}
