import { createDatabase } from "@materi/platform";
import { rotateSigningKey } from "@materi/shield";
import { importJWK, SignJWT, type JWK } from "jose";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newUser, postForm, postJson, SERVICE_KEY, signUpAndLogin, startShieldStack, type Grant, type ShieldStack } from "./stack.js";

// Issue 5 "done when": sign-up, login, refresh rotation and reuse detection, revoke, logout,
// through the gateway (real sockets), on the real PostgreSQL and Redis.
describe("shield tokens through the gateway", () => {
  let stack: ShieldStack;
  let gw: string;
  beforeAll(async () => {
    stack = await startShieldStack();
    gw = stack.gateway.url;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const me = (token: string) => fetch(`${gw}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
  const refresh = (token: string) => postJson(`${gw}/api/v1/auth/token`, { grant_type: "refresh_token", refresh_token: token });
  const validate = (token: string, key = SERVICE_KEY) => postJson(`${stack.shield.url}/internal/validate`, { token }, { "x-service-key": key });

  it("signs up with a normalised email, refuses duplicates, malformed bodies and weak passwords", async () => {
    const body = newUser("signup");
    const created = await postJson(`${gw}/api/v1/users`, { ...body, email: `  ${body.email.toUpperCase()} ` });
    expect(created.status).toBe(201);
    const user = (await created.json()) as Record<string, unknown>;
    expect(Object.keys(user).sort()).toEqual(["created_at", "email", "id", "name"]);
    expect(user["email"]).toBe(body.email);
    const duplicate = await postJson(`${gw}/api/v1/users`, body);
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(((await duplicate.json()) as { code: string }).code).toBe("SHIELD_ERR_EMAIL_TAKEN");
    expect((await postJson(`${gw}/api/v1/users`, { email: "nope", password: body.password, name: "x" })).status).toBe(400);
    expect((await postJson(`${gw}/api/v1/users`, { email: body.email })).status).toBe(400);
    const weak = await postJson(`${gw}/api/v1/users`, { ...newUser("weak"), password: "short" });
    expect(weak.status).toBe(422);
    expect(await weak.json()).toMatchObject({ code: "SHIELD_ERR_WEAK_PASSWORD", rule: "min_length" });
    const common = await postJson(`${gw}/api/v1/users`, { ...newUser("weak"), password: "password123" });
    expect(await common.json()).toMatchObject({ status: 422, rule: "not_common" });
  });

  it("logs in (form and JSON), and the access token opens /users/me through the gateway", async () => {
    const { user, grant, password } = await signUpAndLogin(gw, "login");
    expect(grant).toMatchObject({ token_type: "Bearer", expires_in: 900 });
    const header = JSON.parse(Buffer.from(grant.access_token.split(".")[0]!, "base64url").toString()) as Record<string, string>;
    expect(header).toMatchObject({ alg: "EdDSA", typ: "at+jwt" });
    expect(header["kid"]).toBeTruthy();
    const response = await me(grant.access_token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: user.id, email: user.email });
    const json = await postJson(`${gw}/api/v1/auth/token`, { grant_type: "password", username: user.email, password });
    expect(json.status).toBe(200);
    expect(json.headers.get("cache-control")).toBe("no-store");
  });

  it("answers RFC 6749 errors inside problem+json", async () => {
    const { user } = await signUpAndLogin(gw, "oauth-errors");
    const wrong = await postForm(`${gw}/api/v1/auth/token`, { grant_type: "password", username: user.email, password: "wrong password!" });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant", status: 400 });
    const missing = await postForm(`${gw}/api/v1/auth/token`, { grant_type: "password", username: user.email });
    expect(await missing.json()).toMatchObject({ error: "invalid_request" });
    const unsupported = await postForm(`${gw}/api/v1/auth/token`, { grant_type: "implicit" });
    expect(await unsupported.json()).toMatchObject({ error: "unsupported_grant_type" });
    expect(await (await refresh("no-such-token")).json()).toMatchObject({ error: "invalid_grant" });
  });

  it("rotates refresh tokens; a replay after the grace window revokes the whole family", async () => {
    const { grant } = await signUpAndLogin(gw, "rotate");
    const first = (await (await refresh(grant.refresh_token)).json()) as Grant;
    expect(first.refresh_token).not.toBe(grant.refresh_token);
    // Within the grace window, the same spent token yields the same successor (two tabs at once).
    const again = (await (await refresh(grant.refresh_token)).json()) as Grant;
    expect(again.refresh_token).toBe(first.refresh_token);
    const second = (await (await refresh(first.refresh_token)).json()) as Grant;
    expect((await validate(second.access_token)).status).toBe(200);
    // Age the spent tokens past the grace window, then replay one: every token of the family dies.
    await ageSpentTokens(stack.database.url);
    const replay = await refresh(grant.refresh_token);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
    expect((await refresh(second.refresh_token)).status).toBe(400);
    expect((await validate(second.access_token)).status).toBe(401);
    expect((await me(second.access_token)).status).toBe(401);
  });

  it("revokes (RFC 7009: 200 even for unknown tokens) and logs out", async () => {
    const { grant } = await signUpAndLogin(gw, "revoke");
    expect((await postForm(`${gw}/api/v1/auth/revoke`, { token: "unknown" })).status).toBe(200);
    expect((await postForm(`${gw}/api/v1/auth/revoke`, { token: grant.refresh_token })).status).toBe(200);
    expect((await refresh(grant.refresh_token)).status).toBe(400);
    expect((await validate(grant.access_token)).status).toBe(401);

    // An access token can be revoked too (by jti), before it expires.
    const third = await signUpAndLogin(gw, "revoke-access");
    expect((await postJson(`${gw}/api/v1/auth/revoke`, { token: third.grant.access_token, token_type_hint: "access_token" })).status).toBe(200);
    expect((await validate(third.grant.access_token)).status).toBe(401);
    expect((await refresh(third.grant.refresh_token)).status).toBe(200);

    const other = await signUpAndLogin(gw, "logout");
    const out = await fetch(`${gw}/api/v1/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${other.grant.access_token}` } });
    expect(out.status).toBe(204);
    expect((await me(other.grant.access_token)).status).toBe(401);
    expect((await refresh(other.grant.refresh_token)).status).toBe(400);
  });

  it("/internal/validate answers claims with the service key only", async () => {
    const { user, grant } = await signUpAndLogin(gw, "internal");
    const ok = await validate(grant.access_token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ active: true, sub: user.id, iss: "materi", aud: "materi" });
    expect((await validate(grant.access_token, "wrong-key".padEnd(40, "x"))).status).toBe(401);
    const missing = await postJson(`${stack.shield.url}/internal/validate`, { token: grant.access_token });
    expect(missing.status).toBe(401);
    // A service key is never a user credential on public routes.
    const onPublic = await fetch(`${stack.shield.url}/api/v1/users/me`, { headers: { "x-service-key": SERVICE_KEY } });
    expect(onPublic.status).toBe(400);
  });

  it("throttles logins per account with 429 and Retry-After", async () => {
    const { user } = await signUpAndLogin(gw, "throttle");
    for (let i = 0; i < 10; i++) {
      await postForm(`${gw}/api/v1/auth/token`, { grant_type: "password", username: user.email, password: `wrong-${i}-password` });
    }
    const limited = await postForm(`${gw}/api/v1/auth/token`, { grant_type: "password", username: user.email, password: "wrong password" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ code: "SHIELD_ERR_LOGIN_THROTTLED" });
  });
});

async function ageSpentTokens(url: string): Promise<void> {
  const pg = await import("pg");
  const client = new pg.default.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("update shield.refresh_tokens set spent_at = spent_at - interval '1 hour' where spent_at is not null");
  } finally {
    await client.end();
  }
}

describe("shield signing key rotation and concurrent refreshes", () => {
  let stack: ShieldStack;
  beforeAll(async () => {
    stack = await startShieldStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("rotates the signing key without logging anyone out", async () => {
    const gw = stack.gateway.url;
    const before = await signUpAndLogin(gw, "rotation");
    const db = createDatabase({ url: stack.database.url, poolSize: 1 });
    let newKey: JWK;
    try {
      const kid = await rotateSigningKey(db);
      const { rows } = await db.query<{ private_jwk: JWK }>("select private_jwk from shield.signing_keys where kid = $1", [kid]);
      newKey = { ...rows[0]!.private_jwk, kid };
    } finally {
      await db.close();
    }
    const signedWithNewKey = await new SignJWT({ scope: "openid" })
      .setProtectedHeader({ alg: "EdDSA", kid: newKey.kid!, typ: "at+jwt" })
      .setIssuer("materi")
      .setAudience("materi")
      .setSubject(before.user.id)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime("1m")
      .sign(await importJWK(newKey, "EdDSA"));
    const opens = async (token: string) => (await fetch(`${gw}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } })).status;
    // An unknown kid makes Shield reload its ring and the gateway refetch the JWKS.
    expect(await opens(signedWithNewKey)).toBe(200);
    // The token signed with the retired key still opens the API: nobody is logged out.
    expect(await opens(before.grant.access_token)).toBe(200);
    const jwks = (await (await fetch(`${gw}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([newKey.kid!, kidOf(before.grant.access_token)!].sort());
  });

  it("gives two concurrent refreshes of one token the same successor, and the family survives", async () => {
    const gw = stack.gateway.url;
    const { grant } = await signUpAndLogin(gw, "concurrent");
    const refreshOnce = () => postJson(`${gw}/api/v1/auth/token`, { grant_type: "refresh_token", refresh_token: grant.refresh_token });
    const [a, b] = await Promise.all([refreshOnce(), refreshOnce()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const [ga, gb] = (await Promise.all([a.json(), b.json()])) as Grant[];
    expect(ga!.refresh_token).toBe(gb!.refresh_token);
    const next = await postJson(`${gw}/api/v1/auth/token`, { grant_type: "refresh_token", refresh_token: ga!.refresh_token });
    expect(next.status).toBe(200);
  });

  it("throttles logins per IP with 429 and Retry-After; sign-up can be turned off", async () => {
    const limited = await startShieldStack({ LOGIN_MAX_ATTEMPTS_PER_IP: "3", SIGNUP_ENABLED: "false" });
    try {
      const attempt = () => postForm(`${limited.gateway.url}/api/v1/auth/token`, { grant_type: "password", username: `ip-${Date.now()}@example.test`, password: "whatever password" });
      for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(400);
      const refused = await attempt();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      const signup = await postJson(`${limited.gateway.url}/api/v1/users`, newUser("closed"));
      expect(signup.status).toBe(403);
      expect(await signup.json()).toMatchObject({ code: "SHIELD_ERR_SIGNUP_DISABLED" });
    } finally {
      await limited.close();
    }
  });
});

function kidOf(token: string): string | undefined {
  return (JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()) as { kid?: string }).kid;
}
