import type { Database, Logger } from "@materi/platform";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { createPrivateKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { listPublishedKeys, loadActiveSigningKey, toJwks } from "../store/signingKeyStore.js";

export interface SigningKeyRingOptions {
  db: Database;
  logger: Logger;
  /** How often the ring rereads the keys (another replica may have rotated), in ms. Default 60000. */
  refreshMs?: number;
}

/** The key Shield signs with now. */
export interface Signer {
  kid: string;
  alg: string;
  /** A node:crypto key: accessTokenIssuer signs with node:crypto directly. */
  key: KeyObject;
}

/**
 * Shield's signing and verification keys, held in memory: signing needs no query, and local
 * verification keeps working while PostgreSQL is down (the spec's graceful degradation).
 */
export class SigningKeyRing {
  private signer: Signer | undefined;
  private jwks: JSONWebKeySet = { keys: [] };
  private local: JWTVerifyGetKey = createLocalJWKSet(this.jwks);
  private timer: NodeJS.Timeout | undefined;
  /** When an unknown kid last caused a reload: forged kids cost at most one query per 5 s. */
  private lastKidReloadMs = 0;

  constructor(private readonly options: SigningKeyRingOptions) {}

  /** The database the keys live in. */
  get db(): Database {
    return this.options.db;
  }

  /** Loads the keys and starts the periodic reload. */
  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch((err: unknown) => this.options.logger.warn({ err }, "signing key reload failed")), this.options.refreshMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async reload(): Promise<void> {
    const [active, published] = await Promise.all([loadActiveSigningKey(this.options.db), listPublishedKeys(this.options.db)]);
    if (!active) throw new Error("no active signing key: ensureActiveSigningKey must run first");
    this.signer = { kid: active.kid, alg: active.alg, key: createPrivateKey({ key: active.privateJwk as JsonWebKey, format: "jwk" }) };
    this.jwks = toJwks(published);
    this.local = createLocalJWKSet(this.jwks);
  }

  currentSigner(): Signer {
    if (!this.signer) throw new Error("SigningKeyRing used before start()");
    return this.signer;
  }

  /** The published keys, as /.well-known/jwks.json serves them. */
  publicKeys(): JSONWebKeySet {
    return this.jwks;
  }

  /** A jose key resolver over the ring; an unknown kid triggers one reload (at most every 5 s). */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await this.local(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || Date.now() - this.lastKidReloadMs < 5_000) throw err;
      this.lastKidReloadMs = Date.now();
      // A key rotated on another replica; if the database is down the token just fails.
      await this.reload().catch(() => undefined);
      return this.local(header, token);
    }
  };
}
