import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startAll } from "@materi/launcher";
import type { RunningService } from "@materi/platform";
import { loadRelayConfig, startRelay } from "@materi/relay";
import { createTestDatabase } from "../helpers/postgres.js";
import { requireRedis } from "../helpers/redis.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The built web app the gateway serves (`npm run build -w apps/canvas`). */
export const CANVAS_DIST = path.join(REPO_ROOT, "apps/canvas/dist");
const SERVICE_KEY = "canvas-browser-service-key-".padEnd(48, "k");

/** The whole platform in this process, on a fresh database and the real Redis. */
export interface Platform {
  /** The gateway: the app, the API and /collab. */
  base: string;
  /** Where mail lands as .eml files (no SMTP or SendGrid configured). */
  mailDir: string;
  /** Stops the relay only (the offline test); the gateway answers /collab with 503 meanwhile. */
  stopRelay(): Promise<void>;
  /** Starts a relay again on the same port. */
  startRelay(): Promise<void>;
  close(): Promise<void>;
}

/**
 * startAll (every service, one process) with its own consumer groups and key prefixes, so test
 * files running side by side on one Redis do not take each other's events.
 */
export async function startPlatform(label: string, extraEnv: Record<string, string> = {}): Promise<Platform> {
  if (!existsSync(path.join(CANVAS_DIST, "index.html"))) {
    throw new Error(`The canvas is not built: run \`npm run build -w apps/canvas\` (expected ${CANVAS_DIST}/index.html).`);
  }
  const redisUrl = await requireRedis();
  const database = await createTestDatabase(`canvas_${label}`);
  const dataDir = await mkdtemp(path.join(tmpdir(), "materi-canvas-"));
  const tag = `${label}-${path.basename(dataDir)}`;
  const env: Record<string, string> = {
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    SERVICE_KEYS: SERVICE_KEY,
    MATERI_DATA_DIR: dataDir,
    CANVAS_DIR: CANVAS_DIST,
    GATEWAY_PORT: "0",
    SHIELD_PORT: "0",
    RELAY_PORT: "0",
    ARIA_PORT: "0",
    API_PORT: "0",
    SHUTDOWN_GRACE_MS: "1000",
    RATE_LIMIT_REQUESTS: "1000000",
    LOGIN_MAX_ATTEMPTS_PER_IP: "100000",
    JWKS_COOLDOWN_MS: "0",
    SHIELD_CONSUMER_GROUP: `shield-${tag}`,
    SHIELD_REDIS_PREFIX: `test:shield:${tag}`,
    API_CONSUMER_GROUP: `api-${tag}`,
    RELAY_REDIS_PREFIX: `test:relay:${tag}`,
    RATE_LIMIT_PREFIX: `test:gw:${tag}`,
    ...extraEnv,
  };
  let all: Awaited<ReturnType<typeof startAll>>;
  try {
    all = await startAll(env);
  } catch (err) {
    await database.drop();
    throw err;
  }
  const byName = (name: string): RunningService => {
    const found = all.services.find((s) => s.name === name);
    if (!found) throw new Error(`startAll started no ${name}`);
    return found;
  };
  const gateway = byName("gateway");
  let relay: RunningService | null = byName("relay");
  const relayPort = new URL(relay.url).port;
  return {
    base: gateway.url,
    mailDir: path.join(dataDir, "mail"),
    stopRelay: async () => {
      await relay?.stop();
      relay = null;
    },
    startRelay: async () => {
      if (relay) return;
      relay = await startRelay(loadRelayConfig({ ...env, PORT: relayPort, SHIELD_URL: byName("shield").url, API_URL: byName("api").url }));
    },
    close: async () => {
      // startAll's stop() stops the relay it started; a restarted one is ours to stop.
      const restarted = relay !== byName("relay") ? relay : null;
      await restarted?.stop();
      await all.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
