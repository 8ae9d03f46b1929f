import { ACCESS_TOKEN_TYP } from "@materi/platform";
import { SignJWT } from "jose";
import { randomUUID } from "node:crypto";
import type { SigningKeyRing } from "./SigningKeyRing.js";

export interface AccessTokenSettings {
  /** `iss` claim. */
  issuer: string;
  /** `aud` claim. */
  audience: string;
  /** Lifetime, in seconds. */
  ttlS: number;
}

/** What a token is minted for. `family` ties it to its refresh family, so logout can revoke it. */
export interface AccessTokenSubject {
  sub: string;
  scope: string;
  family?: string;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
}

/** Signs RFC 9068 access tokens (`typ: at+jwt`, `kid` set) with the ring's current key. */
export async function issueAccessToken(keys: SigningKeyRing, settings: AccessTokenSettings, subject: AccessTokenSubject): Promise<IssuedAccessToken> {
  const signer = keys.currentSigner();
  const jti = randomUUID();
  const claims: Record<string, string> = { scope: subject.scope };
  if (subject.family) claims["fam"] = subject.family;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: ACCESS_TOKEN_TYP })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(subject.sub)
    .setJti(jti)
    .setIssuedAt()
    .setExpirationTime(`${settings.ttlS}s`)
    .sign(signer.key);
  return { token, jti, expiresIn: settings.ttlS };
}
