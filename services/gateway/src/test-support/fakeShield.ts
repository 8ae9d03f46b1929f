import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  spki: string;
}

/** Claims and header overrides for a test token. */
export interface MintOptions {
  sub?: string;
  aud?: string;
  iss?: string;
  typ?: string;
  /** Seconds from now; negative for an already expired token. Default 300. */
  expiresInS?: number;
  /** Sign with a key the JWKS does not (yet) publish. */
  key?: SigningKey;
  extra?: JWTPayload;
}

/**
 * A stand-in for shield: publishes a JWKS at /.well-known/jwks.json (counting fetches), mints
 * EdDSA access tokens, rotates its key, and echoes any other request like an upstream.
 */
export class FakeShield {
  jwksFetches = 0;
  /** Set to make /.well-known/jwks.json answer 500. */
  failJwks = false;
  url = "";
  private readonly server: Server;

  private constructor(private keys: SigningKey[]) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(): Promise<FakeShield> {
    const shield = new FakeShield([await newKey("k1")]);
    await new Promise<void>((resolve) => shield.server.listen(0, "127.0.0.1", resolve));
    shield.url = `http://127.0.0.1:${(shield.server.address() as AddressInfo).port}`;
    return shield;
  }

  get jwksUrl(): string {
    return `${this.url}/.well-known/jwks.json`;
  }

  get currentKey(): SigningKey {
    return this.keys[0] as SigningKey;
  }

  /** Publishes a new key (first, used for minting) next to the old one. */
  async rotate(kid: string): Promise<SigningKey> {
    const key = await newKey(kid);
    this.keys = [key, ...this.keys];
    return key;
  }

  /** A key that is not published, for "unknown kid" before rotation. */
  static unpublishedKey(kid: string): Promise<SigningKey> {
    return newKey(kid);
  }

  async mint(options: MintOptions = {}): Promise<string> {
    const key = options.key ?? this.currentKey;
    return new SignJWT({ ...options.extra })
      .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: options.typ ?? "at+jwt" })
      .setIssuer(options.iss ?? "materi")
      .setAudience(options.aud ?? "materi")
      .setSubject(options.sub ?? "user-1")
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresInS ?? 300))
      .sign(key.privateKey);
  }

  /** Adopts a key minted elsewhere (e.g. an unpublished one) into the JWKS. */
  publish(key: SigningKey): void {
    this.keys = [key, ...this.keys];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.url === "/.well-known/jwks.json") {
      this.jwksFetches += 1;
      if (this.failJwks) return void res.writeHead(500).end();
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) }));
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ service: "shield", method: req.method, url: req.url, body: Buffer.concat(chunks).toString() }));
    });
  }
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
  return { kid, privateKey, publicJwk, spki: await exportSPKI(publicKey) };
}

/** base64url of a JSON value, for hand-made (unsigned or forged) tokens. */
export function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
