import { importJWK, SignJWT, type JWK } from "jose";
import { createHmac } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, SERVICE_KEY, signUpAndLogin, startShieldStack, type ShieldStack } from "./stack.js";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

// Issue 5 "done when": expired, alg none, HS256 with the public key, wrong aud, wrong typ: all
// refused, by the gateway at the edge and by Shield's /internal/validate; degraded validation.
describe("shield refuses forged and stale tokens", () => {
  let stack: ShieldStack;
  let userId: string;
  let key: { kid: string; privateJwk: JWK; publicJwk: JWK };
  beforeAll(async () => {
    stack = await startShieldStack();
    userId = (await signUpAndLogin(stack.gateway.url, "forged")).user.id;
    const client = new pg.Client({ connectionString: stack.database.url });
    await client.connect();
    const { rows } = await client.query<{ kid: string; private_jwk: JWK; public_jwk: JWK }>("select kid, private_jwk, public_jwk from shield.signing_keys");
    await client.end();
    key = { kid: rows[0]!.kid, privateJwk: rows[0]!.private_jwk, publicJwk: rows[0]!.public_jwk };
  });
  afterAll(async () => {
    await stack?.close();
  });

  const sign = async (o: { typ?: string; aud?: string; exp?: number } = {}) =>
    new SignJWT({ scope: "openid" })
      .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: o.typ ?? "at+jwt" })
      .setIssuer("materi")
      .setAudience(o.aud ?? "materi")
      .setSubject(userId)
      .setJti(`forged-${Math.random()}`)
      .setIssuedAt()
      .setExpirationTime(o.exp ?? now() + 60)
      .sign(await importJWK(key.privateJwk, "EdDSA"));
  const claims = () => ({ iss: "materi", aud: "materi", sub: userId, jti: "x", iat: now(), exp: now() + 60, scope: "openid" });
  const atGateway = (token: string) => fetch(`${stack.gateway.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
  const atShield = (token: string) => postJson(`${stack.shield.url}/internal/validate`, { token }, { "x-service-key": SERVICE_KEY });

  it("accepts a well-formed token it signed (the control)", async () => {
    const token = await sign();
    expect((await atGateway(token)).status).toBe(200);
    expect((await atShield(token)).status).toBe(200);
  });

  it.each([
    ["expired", () => sign({ exp: now() - 120 })],
    ["a wrong aud", () => sign({ aud: "another-audience" })],
    ["a wrong typ", () => sign({ typ: "JWT" })],
    ["alg none", async () => `${b64({ alg: "none", typ: "at+jwt", kid: key.kid })}.${b64(claims())}.`],
    [
      "HS256 keyed with the public key",
      async () => {
        const input = `${b64({ alg: "HS256", typ: "at+jwt", kid: key.kid })}.${b64(claims())}`;
        return `${input}.${createHmac("sha256", JSON.stringify(key.publicJwk)).update(input).digest("base64url")}`;
      },
    ],
  ])("refuses a token with %s", async (_label, make) => {
    const token = await make();
    const edge = await atGateway(token);
    expect(edge.status).toBe(401);
    expect(edge.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const internal = await atShield(token);
    expect(internal.status).toBe(401);
    expect(internal.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  // Runs last: it takes the database away for good.
  it("keeps validating and serves cached users, flagged, with the database unreachable", async () => {
    const { user, grant } = await signUpAndLogin(stack.gateway.url, "degraded");
    const lookup = () => fetch(`${stack.shield.url}/internal/user/${user.id}`, { headers: { "x-service-key": SERVICE_KEY } });
    expect(await (await lookup()).json()).toMatchObject({ id: user.id, degraded: false });
    const revoked = (await signUpAndLogin(stack.gateway.url, "degraded-revoked")).grant;
    await postJson(`${stack.gateway.url}/api/v1/auth/logout`, {}, { authorization: `Bearer ${revoked.access_token}` });

    await stack.database.drop(); // terminates Shield's connections; new ones find no database
    expect((await atShield(grant.access_token)).status).toBe(200);
    expect((await atShield(revoked.access_token)).status).toBe(401); // the Redis revocation list still answers
    const cached = await lookup();
    expect(cached.status).toBe(200);
    expect(cached.headers.get("x-materi-degraded")).toBe("true");
    expect(await cached.json()).toMatchObject({ id: user.id, email: user.email, degraded: true });
  });
});
