import {
  createLogger,
  dataDirOf,
  generateServiceKey,
  startEmbeddedPostgres,
  type Env,
  type RunningService,
  type SharedRuntime,
} from "@materi/platform";
import { createMemoryTransport } from "@materi/events";
import { loadApiConfig, startApi } from "@materi/api";
import { loadAriaConfig, startAria } from "@materi/aria";
import { loadGatewayConfig, startGateway } from "@materi/gateway";
import { loadRelayConfig, startRelay } from "@materi/relay";
import { loadShieldConfig, startShield } from "@materi/shield";
import { loadLauncherConfig } from "./config.js";

/** Services behind the gateway, started first so the gateway finds them. */
const BACKENDS = 4;

/**
 * Starts every service in this process on the spec's ports. Whatever is not configured is
 * embedded and shared: one PGlite served over the wire protocol, one in-process transport,
 * one service key per start.
 */
export async function startAll(env: Env): Promise<{ services: RunningService[]; stop(): Promise<void> }> {
  const config = loadLauncherConfig(env);
  const logger = createLogger({ service: "materi", level: config.LOG_LEVEL });
  const shared: SharedRuntime = { logger };
  const closers: Array<() => Promise<void>> = [];
  if (!config.DATABASE_URL) {
    const dataDir = dataDirOf(config);
    const embedded = await startEmbeddedPostgres({ dataDir, maxConnections: config.DATABASE_POOL_SIZE * BACKENDS });
    shared.database = { url: embedded.url, embedded: true };
    closers.push(() => embedded.close());
    logger.info({ dataDir }, "DATABASE_URL is not set: embedded PGlite");
  }
  if (!config.REDIS_URL) {
    shared.transport = createMemoryTransport();
    closers.push(() => shared.transport!.close());
    logger.info("REDIS_URL is not set: in-process event transport");
  }
  if (!config.SERVICE_KEYS) shared.serviceKeys = [generateServiceKey()];
  const withPort = (p: number): Env => ({ ...env, PORT: String(p), DATABASE_POOL_SIZE: String(config.DATABASE_POOL_SIZE) });
  const services: RunningService[] = [];
  const stop = async () => {
    // Reverse order: the gateway stops taking traffic before the services behind it go.
    for (const service of [...services].reverse()) await service.stop();
    for (const close of closers.reverse()) await close();
  };
  try {
    const shield = await startShield(loadShieldConfig(withPort(config.SHIELD_PORT)), shared);
    services.push(shield);
    const api = await startApi(loadApiConfig({ ...withPort(config.API_PORT), SHIELD_URL: shield.url }), shared);
    services.push(api);
    const relay = await startRelay(loadRelayConfig({ ...withPort(config.RELAY_PORT), SHIELD_URL: shield.url, API_URL: api.url }), shared);
    services.push(relay);
    const aria = await startAria(loadAriaConfig({ ...withPort(config.ARIA_PORT), SHIELD_URL: shield.url, API_URL: api.url }), shared);
    services.push(aria);
    // Actual URLs, not configured ports: port 0 (tests) picks a free one.
    const gatewayEnv: Env = {
      ...withPort(config.GATEWAY_PORT),
      SHIELD_URL: shield.url,
      API_URL: api.url,
      RELAY_URL: relay.url,
      ARIA_URL: aria.url,
    };
    services.push(await startGateway(loadGatewayConfig(gatewayEnv), shared));
  } catch (err) {
    await stop();
    throw err;
  }
  return { services, stop };
}
