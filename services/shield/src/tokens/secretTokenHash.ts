import { createHash } from "node:crypto";

/**
 * What the database keeps of a refresh or password-reset token: its SHA-256. The tokens are 256
 * random bits, so a fast unsalted hash is enough (a database leak yields nothing usable); argon2
 * is for passwords.
 */
export function hashSecretToken(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
