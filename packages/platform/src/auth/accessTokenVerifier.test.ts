import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { isProblemError } from "../http-errors/ProblemError.js";
import { createAccessTokenVerifier, type AccessTokenVerifier } from "./accessTokenVerifier.js";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

describe("createAccessTokenVerifier", () => {
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
  let publicJwk: JWK;
  let verify: AccessTokenVerifier;
  const claims = () => ({ scope: "openid", fam: "f1" });
  const sign = (overrides: { typ?: string; aud?: string; exp?: number; kid?: string } = {}) =>
    new SignJWT(claims())
      .setProtectedHeader({ alg: "EdDSA", kid: overrides.kid ?? "k1", typ: overrides.typ ?? "at+jwt" })
      .setIssuer("materi")
      .setAudience(overrides.aud ?? "materi")
      .setSubject("user-1")
      .setJti("jti-1")
      .setIssuedAt()
      .setExpirationTime(overrides.exp ?? now() + 60)
      .sign(privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "EdDSA" };
    verify = createAccessTokenVerifier({ keys: { jwks: { keys: [publicJwk] } }, issuer: "materi", audience: "materi" });
  });

  async function expectRefused(token: string, detail = /not valid/): Promise<void> {
    const err = await verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isProblemError(err), String(err)).toBe(true);
    if (!isProblemError(err)) return;
    expect(err.status).toBe(401);
    expect(err.detail).toMatch(detail);
    expect(err.headers["WWW-Authenticate"]).toMatch(/^Bearer /);
  }

  it("returns typed claims of a good token", async () => {
    const result = await verify(await sign());
    expect(result).toMatchObject({ sub: "user-1", scope: "openid", jti: "jti-1", fam: "f1", kid: "k1" });
    expect(result.exp).toBeGreaterThan(now());
  });

  it("refuses alg none", async () => {
    const payload = { iss: "materi", aud: "materi", sub: "user-1", jti: "x", iat: now(), exp: now() + 60 };
    await expectRefused(`${b64({ alg: "none", typ: "at+jwt", kid: "k1" })}.${b64(payload)}.`);
  });

  it("refuses HS256 signed with the public key", async () => {
    const payload = { iss: "materi", aud: "materi", sub: "user-1", jti: "x", iat: now(), exp: now() + 60 };
    const input = `${b64({ alg: "HS256", typ: "at+jwt", kid: "k1" })}.${b64(payload)}`;
    const mac = createHmac("sha256", JSON.stringify(publicJwk)).update(input).digest("base64url");
    await expectRefused(`${input}.${mac}`);
    const macX = createHmac("sha256", Buffer.from(publicJwk.x!, "base64url")).update(input).digest("base64url");
    await expectRefused(`${input}.${macX}`);
  });

  it("refuses a wrong audience, a wrong typ, an unknown kid and garbage", async () => {
    await expectRefused(await sign({ aud: "someone-else" }));
    await expectRefused(await sign({ typ: "JWT" }));
    await expectRefused(await sign({ kid: "unknown" }));
    await expectRefused("not-a-jwt");
  });

  it("refuses an expired token beyond the clock tolerance, saying so", async () => {
    await expectRefused(await sign({ exp: now() - 30 }), /expired/);
    await expect(verify(await sign({ exp: now() - 2 }))).resolves.toMatchObject({ sub: "user-1" });
  });
});
