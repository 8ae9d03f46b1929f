import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EchoUpstream } from "../test-support/echoUpstream.js";
import { b64json, FakeShield } from "../test-support/fakeShield.js";
import { json, startTestGateway, type TestGateway } from "../test-support/startTestGateway.js";

describe("access tokens at the edge", () => {
  let shield: FakeShield;
  let api: EchoUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    shield = await FakeShield.start();
    api = await EchoUpstream.start("api");
    // No cooldown: an unknown kid refetches at once, so the rotation test needs no waiting.
    gateway = await startTestGateway({ SHIELD_URL: shield.url, API_URL: api.url, JWKS_COOLDOWN_MS: "0" });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([shield.close(), api.close()]);
  });

  const call = (token?: string) =>
    fetch(`${gateway.url}/api/v1/documents`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  async function expectInvalid(token: string | undefined, code = "GW_ERR_TOKEN_INVALID"): Promise<void> {
    const response = await call(token);
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer .*error="invalid_token"/);
    expect(await json(response)).toMatchObject({ status: 401, code });
  }

  it("refuses a protected route without a token", async () => {
    await expectInvalid(undefined, "GW_ERR_TOKEN_MISSING");
    const basic = await fetch(`${gateway.url}/api/v1/documents`, { headers: { authorization: "Basic dTpw" } });
    expect(basic.status).toBe(401);
  });

  it("lets a valid token through", async () => {
    const response = await call(await shield.mint());
    expect(response.status).toBe(200);
  });

  it("refuses a token for another audience, issuer or type", async () => {
    await expectInvalid(await shield.mint({ aud: "someone-else" }));
    await expectInvalid(await shield.mint({ iss: "evil" }));
    await expectInvalid(await shield.mint({ typ: "JWT" }));
  });

  it("refuses an expired token (past the 5 s clock tolerance)", async () => {
    await expectInvalid(await shield.mint({ expiresInS: -30 }));
  });

  it('refuses alg "none"', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: "user-1", iss: "materi", aud: "materi", iat: now, exp: now + 300 };
    await expectInvalid(`${b64json({ alg: "none", typ: "at+jwt" })}.${b64json(claims)}.`);
  });

  it("refuses HS256 signed with the public key (algorithm confusion)", async () => {
    const key = shield.currentKey;
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: key.kid })
      .setIssuer("materi")
      .setAudience("materi")
      .setSubject("admin")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(key.spki));
    await expectInvalid(forged);
  });

  it("refuses a token whose signature was tampered with", async () => {
    const token = await shield.mint();
    const [header, payload] = token.split(".");
    const otherSignature = (await shield.mint({ sub: "other" })).split(".")[2];
    await expectInvalid(`${header}.${payload}.${otherSignature}`);
  });

  it("refetches the JWKS when a token names an unknown kid (key rotation)", async () => {
    await call(await shield.mint());
    const fetchesBefore = shield.jwksFetches;
    const next = await FakeShield.unpublishedKey("k2");
    const token = await shield.mint({ key: next });
    await expectInvalid(token);
    shield.publish(next);
    const response = await call(await shield.mint({ key: next, sub: "user-rotated" }));
    expect(response.status).toBe(200);
    expect(shield.jwksFetches).toBeGreaterThan(fetchesBefore);
  });

  it("verifies a token once and serves repeats from the cache", async () => {
    const token = await shield.mint({ sub: "cached" });
    expect((await call(token)).status).toBe(200);
    // With the keys unreachable, only a cached verification can still succeed.
    shield.failJwks = true;
    try {
      const fetchesBefore = shield.jwksFetches;
      expect((await call(token)).status).toBe(200);
      expect(shield.jwksFetches).toBe(fetchesBefore);
    } finally {
      shield.failJwks = false;
    }
  });
});

describe("when the JWKS cannot be fetched", () => {
  it("answers 503 problem+json on protected routes and still serves public ones", async () => {
    const shield = await FakeShield.start();
    shield.failJwks = true;
    const gateway = await startTestGateway({ JWKS_URL: shield.jwksUrl });
    try {
      const response = await fetch(`${gateway.url}/api/v1/documents`, { headers: { authorization: `Bearer ${await shield.mint()}` } });
      expect(response.status).toBe(503);
      expect(await json(response)).toMatchObject({ code: "GW_ERR_JWKS_UNAVAILABLE" });
      const page = await fetch(`${gateway.url}/`, { headers: { authorization: `Bearer ${await shield.mint()}` } });
      expect(page.status).toBe(200);
    } finally {
      await gateway.close();
      await shield.close();
    }
  });

  it("keeps verifying with the last key set fetched when a refetch fails", async () => {
    const shield = await FakeShield.start();
    const api = await EchoUpstream.start("api");
    const gateway = await startTestGateway({ JWKS_URL: shield.jwksUrl, API_URL: api.url, JWKS_MAX_AGE_MS: "0" });
    try {
      const headers = async () => ({ authorization: `Bearer ${await shield.mint({ sub: `u-${Math.random()}` })}` });
      expect((await fetch(`${gateway.url}/api/v1/documents`, { headers: await headers() })).status).toBe(200);
      shield.failJwks = true;
      expect((await fetch(`${gateway.url}/api/v1/documents`, { headers: await headers() })).status).toBe(200);
    } finally {
      await gateway.close();
      await Promise.all([shield.close(), api.close()]);
    }
  });
});
