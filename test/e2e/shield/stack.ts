import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { streamName } from "@materi/events";
import { Redis } from "ioredis";
import { loadGatewayConfig, startGateway } from "@materi/gateway";
import { loadShieldConfig, startShield, type ShieldConfig } from "@materi/shield";
import type { RunningService } from "@materi/platform";
import { createTestDatabase, type TestDatabase } from "../../helpers/postgres.js";
import { requireRedis } from "../../helpers/redis.js";

export const SERVICE_KEY = "shield-e2e-service-key-".padEnd(48, "k");

export interface ShieldStack {
  shield: RunningService;
  gateway: RunningService;
  database: TestDatabase;
  redisUrl: string;
  config: ShieldConfig;
  /** Where the file email transport writes. */
  mailDir: string;
  close(): Promise<void>;
}

/**
 * Shield on a fresh database of the real PostgreSQL and the real Redis, with the gateway in
 * front of it (real sockets both ways). Close it in the suite's teardown.
 */
export async function startShieldStack(env: Record<string, string> = {}): Promise<ShieldStack> {
  const redisUrl = await requireRedis();
  const database = await createTestDatabase("shield");
  const dataDir = await mkdtemp(path.join(tmpdir(), "materi-shield-"));
  const config = loadShieldConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    SERVICE_KEYS: SERVICE_KEY,
    MATERI_DATA_DIR: dataDir,
    // Parallel test stacks share Redis: each needs every membership event, so its own group.
    SHIELD_CONSUMER_GROUP: `shield-test-${path.basename(dataDir)}`,
    SHIELD_REDIS_PREFIX: `test:shield:${path.basename(dataDir)}`,
    // Every test login comes from 127.0.0.1; per-IP throttling is tested with X-Forwarded-For.
    LOGIN_MAX_ATTEMPTS_PER_IP: "100000",
    ...env,
  });
  const shield = await startShield(config);
  const gateway = await startGateway(
    loadGatewayConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "silent",
      SHIELD_URL: shield.url,
      API_URL: "http://127.0.0.1:1",
      ARIA_URL: "http://127.0.0.1:1",
      RELAY_URL: "http://127.0.0.1:1",
      RATE_LIMIT_REQUESTS: "100000",
      // Refetch the JWKS on any unknown kid, so key rotation is visible at once.
      JWKS_COOLDOWN_MS: "0",
      SERVICE_KEYS: SERVICE_KEY,
    }),
  );
  return {
    shield,
    gateway,
    database,
    redisUrl,
    config,
    mailDir: path.join(dataDir, "mail"),
    close: async () => {
      await gateway.stop();
      await shield.stop();
      await destroyGroup(redisUrl, config.SHIELD_CONSUMER_GROUP);
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A fresh, valid sign-up body. */
export function newUser(label = "user"): { email: string; password: string; name: string } {
  counter += 1;
  const id = `${label}-${process.pid}-${Date.now().toString(36)}-${counter}`;
  return { email: `${id}@example.test`, password: "correct horse battery staple", name: `Test ${label}` };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

export async function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
}

export interface Grant {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

/** Signs up a new user and logs in through `base`; returns the user and its first grant. */
export async function signUpAndLogin(base: string, label?: string): Promise<{ user: { id: string; email: string }; grant: Grant; password: string }> {
  const body = newUser(label);
  const created = await postJson(`${base}/api/v1/users`, body);
  if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${await created.text()}`);
  const user = (await created.json()) as { id: string; email: string };
  const login = await postForm(`${base}/api/v1/auth/token`, { grant_type: "password", username: body.email, password: body.password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  return { user, grant: (await login.json()) as Grant, password: body.password };
}

/** A test's consumer group would otherwise hold back trimming of the shared documents stream. */
async function destroyGroup(redisUrl: string, group: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    await redis.xgroup("DESTROY", streamName("documents"), group);
  } finally {
    redis.disconnect();
  }
}
