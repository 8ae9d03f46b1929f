import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

/** A one-key JWKS endpoint and an access token signed by that key (EdDSA, typ at+jwt). */
export interface BenchKeys {
  jwksUrl: string;
  token: string;
  close(): Promise<void>;
}

export async function startJwks(options: { issuer: string; audience: string }): Promise<BenchKeys> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA");
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "bench", alg: "EdDSA", use: "sig" }] });
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(jwks));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const token = await new SignJWT({ scope: "documents:read" })
    .setProtectedHeader({ alg: "EdDSA", kid: "bench", typ: "at+jwt" })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject("bench-user")
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(privateKey);
  return {
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    token,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
