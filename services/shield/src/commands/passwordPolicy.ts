import { shieldProblem } from "../errors.js";

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;

// The most common passwords of at least 10 characters in public breach lists; a small list by
// design (issue 5): a breach-corpus check (k-anonymity) can replace it later.
const COMMON = new Set([
  "1234567890", "0123456789", "12345678910", "qwertyuiop", "1q2w3e4r5t", "1qaz2wsx3edc", "password12", "password123",
  "password1234", "passw0rd12", "iloveyou12", "qwerty1234", "qwerty12345", "abcdefghij", "abc1234567", "aaaaaaaaaa",
  "1111111111", "0000000000", "letmein123", "welcome123", "administrator", "changeme123", "football123", "baseball123",
  "sunshine12", "princess12", "superman12", "trustno1234", "monkey1234", "dragon1234", "qazwsxedcrfv", "zaq12wsxcde",
]);

/** Throws a 422 naming the broken rule (issue 5); passes silently otherwise. */
export function checkPasswordPolicy(password: string, email: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw weak("min_length", `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const lowered = password.normalize("NFC").toLowerCase();
  const local = email.split("@")[0] ?? "";
  if (lowered === email || (local.length >= 4 && lowered.includes(local))) {
    throw weak("not_email", "The password must not be, or contain, your email address.");
  }
  if (COMMON.has(lowered)) throw weak("not_common", "This password is one of the most commonly used; choose another.");
}

function weak(rule: string, detail: string) {
  return shieldProblem("SHIELD_ERR_WEAK_PASSWORD", detail, { extensions: { rule } });
}

/** Trim, Unicode NFC, lowercase: one account per mailbox however the address is typed. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize("NFC").toLowerCase();
}
