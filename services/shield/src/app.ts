import type { SchemaRegistry } from "@materi/events";
import { createEmailTransport, createServiceApp, dataDirOf, mailDirOf, type Database, type EmailPort, type ServiceDeps } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { ShieldConfig } from "./config.js";
import type { ShieldContext } from "./context.js";
import { authRoutes } from "./routes/auth/routes.js";
import { internalRoutes } from "./routes/internal/routes.js";
import { jwksRoutes } from "./routes/jwks/routes.js";
import { userRoutes } from "./routes/users/routes.js";
import { createLoginThrottle } from "./tokens/loginThrottle.js";
import { createMemoryRevocationList, createRedisRevocationList, withNegativeCache } from "./tokens/RevocationList.js";
import { createShieldVerifier } from "./tokens/shieldVerifier.js";
import { SigningKeyRing } from "./tokens/SigningKeyRing.js";

/** What buildApp needs beyond the platform's deps. */
export interface ShieldDeps extends ServiceDeps {
  db: Database;
  /** Schema registry of the service's events (from startServiceEvents). */
  registry: SchemaRegistry | undefined;
  /** Shared throttle counters and revocation list; memory ones when absent. */
  redis?: Redis;
  /** Outgoing mail. Default: as configured (SendGrid, SMTP), else .eml files under `<MATERI_DATA_DIR>/mail`. */
  email?: EmailPort;
  /** Prefix of Shield's Redis keys, so tests do not share state. Default "materi:shield". */
  redisKeyPrefix?: string;
}

/** Shield's routes on the platform app. No listen, no process.env. */
export async function buildApp(config: ShieldConfig, deps: ShieldDeps): Promise<FastifyInstance> {
  const app = createServiceApp({
    service: "shield",
    logger: deps.logger,
    serviceKeys: deps.serviceKeys,
    readiness: deps.readiness,
    instrument: deps.observability.instrument,
  });
  const ctx = await createShieldContext(config, deps);
  app.addHook("onClose", async () => ctx.keys.stop());
  await app.register(jwksRoutes, { keys: ctx.keys });
  await app.register(userRoutes, { ctx });
  await app.register(authRoutes, { ctx });
  await app.register(internalRoutes, { ctx });
  return app;
}

async function createShieldContext(config: ShieldConfig, deps: ShieldDeps): Promise<ShieldContext> {
  const prefix = deps.redisKeyPrefix ?? "materi:shield";
  const keys = new SigningKeyRing({ db: deps.db, logger: deps.logger });
  await keys.start();
  const revocations = deps.redis
    ? withNegativeCache(createRedisRevocationList(deps.redis, `${prefix}:revoked`), config.REVOCATION_CACHE_MS)
    : createMemoryRevocationList();
  const throttle = createLoginThrottle({
    maxFailuresPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    maxAttemptsPerIp: config.LOGIN_MAX_ATTEMPTS_PER_IP,
    windowS: config.LOGIN_THROTTLE_WINDOW_S,
    keyPrefix: `${prefix}:login`,
    ...(deps.redis ? { redis: deps.redis } : {}),
  });
  const verify = createShieldVerifier({ keys, revocations, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  const email = deps.email ?? createEmailTransport(config, { dir: mailDirOf(dataDirOf(config)), logger: deps.logger });
  return { config, db: deps.db, logger: deps.logger, keys, verify, revocations, email, throttle, registry: deps.registry };
}
