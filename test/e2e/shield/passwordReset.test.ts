import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postForm, postJson, signUpAndLogin, startShieldStack, type ShieldStack } from "./stack.js";

// Issue 5: password reset through the email port (embedded: .eml files under the data dir).
describe("shield password reset", () => {
  let stack: ShieldStack;
  beforeAll(async () => {
    stack = await startShieldStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function mailsTo(email: string): Promise<string[]> {
    const files = await readdir(stack.mailDir).catch(() => [] as string[]);
    const texts = await Promise.all(files.filter((f) => f.endsWith(".eml")).map((f) => readFile(path.join(stack.mailDir, f), "utf8")));
    return texts.filter((t) => t.includes(`To: ${email}\r\n`)).map((t) => Buffer.from(t.split("\r\n\r\n")[1]!.replace(/\r\n/g, ""), "base64").toString("utf8"));
  }

  it("always answers 202, mails a single-use link, and the new password works", async () => {
    const gw = stack.gateway.url;
    const { user, grant } = await signUpAndLogin(gw, "reset");
    expect((await postJson(`${gw}/api/v1/auth/password-reset`, { email: "nobody-here@example.test" })).status).toBe(202);
    expect((await postJson(`${gw}/api/v1/auth/password-reset`, { email: user.email.toUpperCase() })).status).toBe(202);
    const mails = await expect.poll(() => mailsTo(user.email), { timeout: 5_000 }).toHaveLength(1).then(() => mailsTo(user.email));
    expect(await mailsTo("nobody-here@example.test")).toEqual([]);
    const token = /token=([A-Za-z0-9_-]+)/.exec(mails[0]!)?.[1];
    expect(token).toBeTruthy();

    const confirm = (password: string) => postJson(`${gw}/api/v1/auth/password-reset/confirm`, { token, password });
    expect((await confirm("short")).status).toBe(422); // a weak password does not burn the link
    expect((await confirm("a fresh reset passphrase")).status).toBe(204);
    expect((await confirm("another fresh passphrase")).status).toBe(400);
    // Every session was signed out; the new password logs in.
    expect((await fetch(`${gw}/api/v1/users/me`, { headers: { authorization: `Bearer ${grant.access_token}` } })).status).toBe(401);
    const login = await postForm(`${gw}/api/v1/auth/token`, { grant_type: "password", username: user.email, password: "a fresh reset passphrase" });
    expect(login.status).toBe(200);
  });
});
