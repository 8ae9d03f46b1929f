import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadApiConfig, startApi, type ApiConfig } from "@materi/api";
import { streamName } from "@materi/events";
import { loadGatewayConfig, startGateway } from "@materi/gateway";
import type { RunningService } from "@materi/platform";
import { loadShieldConfig, startShield } from "@materi/shield";
import { Redis } from "ioredis";
import { createTestDatabase, type TestDatabase } from "../../helpers/postgres.js";
import { requireRedis } from "../../helpers/redis.js";
import { signUpAndLogin } from "../shield/stack.js";

export const SERVICE_KEY = "api-e2e-service-key-".padEnd(48, "k");

export interface ApiStack {
  shield: RunningService;
  api: RunningService;
  gateway: RunningService;
  /** The gateway's base URL: every public call goes through it. */
  base: string;
  database: TestDatabase;
  redisUrl: string;
  config: ApiConfig;
  /** Where the api's file email transport writes (invitations). */
  mailDir: string;
  close(): Promise<void>;
}

/**
 * Shield, api and the gateway on a fresh database of the real PostgreSQL and the real Redis, each
 * with its own consumer groups (parallel stacks share Redis streams). Close it in the teardown.
 */
export async function startApiStack(env: Record<string, string> = {}): Promise<ApiStack> {
  const redisUrl = await requireRedis();
  const database = await createTestDatabase("api");
  const dataDir = await mkdtemp(path.join(tmpdir(), "materi-api-"));
  const tag = path.basename(dataDir);
  const common = { HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent", DATABASE_URL: database.url, REDIS_URL: redisUrl, SERVICE_KEYS: SERVICE_KEY, MATERI_DATA_DIR: dataDir };
  const shield = await startShield(
    loadShieldConfig({ ...common, SHIELD_CONSUMER_GROUP: `shield-test-${tag}`, SHIELD_REDIS_PREFIX: `test:shield:${tag}`, LOGIN_MAX_ATTEMPTS_PER_IP: "100000" }),
  );
  const config = loadApiConfig({ ...common, SHIELD_URL: shield.url, API_CONSUMER_GROUP: `api-test-${tag}`, ...env });
  const api = await startApi(config);
  const gateway = await startGateway(
    loadGatewayConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "silent",
      SHIELD_URL: shield.url,
      API_URL: api.url,
      ARIA_URL: "http://127.0.0.1:1",
      RELAY_URL: "http://127.0.0.1:1",
      RATE_LIMIT_REQUESTS: "1000000",
      JWKS_COOLDOWN_MS: "0",
      SERVICE_KEYS: SERVICE_KEY,
    }),
  );
  return {
    shield,
    api,
    gateway,
    base: gateway.url,
    database,
    redisUrl,
    config,
    mailDir: path.join(dataDir, "mail"),
    close: async () => {
      await gateway.stop();
      await api.stop();
      await shield.stop();
      // The api's own group and those of its saga and activity consumers (`<group>-<consumer>`).
      const group = config.API_CONSUMER_GROUP;
      await destroyGroups(redisUrl, [`shield-test-${tag}`, group, `${group}-user-removal`, `${group}-activity`]);
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed-up user with a fresh access token, and a fetch that sends it. */
export interface TestUser {
  id: string;
  email: string;
  token: string;
  /** `fetch(base + path)` with the user's bearer token and JSON body. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

export async function newTestUser(stack: Pick<ApiStack, "base">, label = "api"): Promise<TestUser> {
  const { user, grant } = await signUpAndLogin(stack.base, label);
  const token = grant.access_token;
  return {
    id: user.id,
    email: user.email,
    token,
    call: (method, p, body, headers = {}) =>
      fetch(`${stack.base}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}

/** A test's consumer groups would otherwise hold back trimming of the shared streams. */
async function destroyGroups(redisUrl: string, groups: readonly string[]): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for (const stream of ["users", "documents", "collaboration", "ai"] as const) {
      for (const group of groups) await redis.xgroup("DESTROY", streamName(stream), group).catch(() => undefined);
    }
  } finally {
    redis.disconnect();
  }
}
