import { randomUUID } from "node:crypto";
import type { ShieldContext } from "../context.js";
import { shieldProblem } from "../errors.js";
import { insertUser, isUniqueViolation, type UserRow } from "../store/userStore.js";
import { hashPassword } from "./passwordHasher.js";
import { checkPasswordPolicy, normalizeEmail } from "./passwordPolicy.js";
import { enqueueUserEvent } from "./userEvents.js";

export interface UserCreatorProps {
  ctx: ShieldContext;
  email: string;
  password: string;
  name: string;
}

/** Self sign-up: policy, argon2id hash, insert and `user.created` in one transaction. */
export async function userCreator({ ctx, email, password, name }: UserCreatorProps): Promise<UserRow> {
  if (!ctx.config.SIGNUP_ENABLED) throw shieldProblem("SHIELD_ERR_SIGNUP_DISABLED", "Self sign-up is turned off on this server.");
  const normalized = normalizeEmail(email);
  checkPasswordPolicy(password, normalized);
  const passwordHash = await hashPassword(password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const user = await insertUser(tx, { id: randomUUID(), email: normalized, name: name.trim(), passwordHash });
      await enqueueUserEvent(ctx, tx, { userId: user.id, email: user.email, action: "created", changes: { name: user.name } });
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw shieldProblem("SHIELD_ERR_EMAIL_TAKEN", "An account with this email already exists.");
    throw err;
  }
}
