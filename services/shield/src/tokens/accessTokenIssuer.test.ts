import { createAccessTokenVerifier } from "@materi/platform";
import { decodeProtectedHeader, exportJWK, generateKeyPair } from "jose";
import { createPrivateKey, type JsonWebKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { issueAccessToken } from "./accessTokenIssuer.js";

// The issuer signs with node:crypto; what it mints must pass the jose verifier every service runs.
describe.each([
  { alg: "EdDSA" as const, options: { crv: "Ed25519", extractable: true } },
  { alg: "ES256" as const, options: { extractable: true } },
])("access tokens signed with $alg", ({ alg, options }) => {
  it("verify with jose against the public key, with every claim Shield promises", async () => {
    const { publicKey, privateKey } = await generateKeyPair(alg, options);
    const publicJwk = { ...(await exportJWK(publicKey)), kid: "k1", alg };
    const signer = { kid: "k1", alg, key: createPrivateKey({ key: (await exportJWK(privateKey)) as JsonWebKey, format: "jwk" }) };
    const issued = issueAccessToken({ currentSigner: () => signer }, { issuer: "materi", audience: "materi", ttlS: 900 }, { sub: "u1", scope: "openid profile", family: "f1" });
    const verify = createAccessTokenVerifier({ keys: { jwks: { keys: [publicJwk] } }, issuer: "materi", audience: "materi" });
    const claims = await verify(issued.token);
    expect(claims).toMatchObject({ sub: "u1", scope: "openid profile", fam: "f1", jti: issued.jti, kid: "k1" });
    expect(claims.exp - claims.iat).toBe(900);
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(5);
    expect(decodeProtectedHeader(issued.token)).toEqual({ alg, kid: "k1", typ: "at+jwt" });
    expect(issued.expiresIn).toBe(900);
  });
});
