import { createDocStore, type DocStore } from "@materi/docstore";
import type { SchemaRegistry } from "@materi/events";
import { createAccessTokenVerifier, createServiceApp, type AccessTokenVerifier, type Database, type ServiceDeps } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { AccessChecker } from "./access/AccessChecker.js";
import { jwksUrlOf, type AriaConfig } from "./config.js";
import type { AriaContext } from "./context.js";
import { BackgroundWrites } from "./generation/BackgroundWrites.js";
import { GuardedProvider } from "./generation/GuardedProvider.js";
import { ProviderChain } from "./generation/ProviderChain.js";
import { QuotaGauge } from "./generation/QuotaGauge.js";
import { createAriaMetrics } from "./metrics/ariaMetrics.js";
import { configuredProviders } from "./providers/configuredProviders.js";
import { generateRoutes } from "./routes/generate/routes.js";
import { internalRoutes } from "./routes/internal/routes.js";

/** What buildApp needs beyond the platform's deps; tests replace the optional parts. */
export interface AriaDeps extends ServiceDeps {
  db: Database;
  registry: SchemaRegistry | undefined;
  /** Default: verification against Shield's JWKS (JWKS_URL). */
  verify?: AccessTokenVerifier;
  /** Default: createDocStore on `db`, announcing on Redis when REDIS_URL is set. */
  docs?: DocStore;
}

/** The aria service's routes on the platform app. No listen, no process.env. */
export async function buildApp(config: AriaConfig, deps: AriaDeps): Promise<FastifyInstance> {
  const app = createServiceApp({
    service: "aria",
    logger: deps.logger,
    serviceKeys: deps.serviceKeys,
    readiness: deps.readiness,
    instrument: deps.observability.instrument,
  });
  const ctx = createAriaContext(config, deps);
  app.decorate("ariaContext", ctx);
  app.addHook("onClose", async () => {
    await ctx.background.drain();
    await ctx.access.close();
    if (!deps.docs) await ctx.docs.channel.close();
  });
  await app.register(generateRoutes, { ctx });
  await app.register(internalRoutes, { ctx });
  return app;
}

function createAriaContext(config: AriaConfig, deps: AriaDeps): AriaContext {
  const metrics = createAriaMetrics(deps.observability.metrics);
  const guarded = configuredProviders(config).map(
    (provider) =>
      new GuardedProvider(provider, {
        metrics,
        retryBudgetMs: config.AI_RETRY_BUDGET_MS,
        timeoutMs: config.AI_TIMEOUT_MS,
        onBreakerState: (target, state) => {
          deps.observability.breakerState(target, state);
          if (state !== "closed") deps.logger.warn({ breaker: target, state }, "AI provider breaker moved");
        },
      }),
  );
  if (guarded.length === 0) deps.logger.warn("no AI provider configured: set OPENAI_API_KEY, OPENAI_BASE_URL or ANTHROPIC_API_KEY; generation answers 503");
  return {
    config,
    db: deps.db,
    logger: deps.logger,
    registry: deps.registry,
    docs: deps.docs ?? createDocStore({ db: deps.db, logger: deps.logger, ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}) }),
    verify: deps.verify ?? createAccessTokenVerifier({ keys: { url: jwksUrlOf(config) }, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    access: new AccessChecker({ apiUrl: config.API_URL, serviceKeys: deps.serviceKeys, cacheMs: config.AI_ACCESS_CACHE_MS }),
    providers: new ProviderChain(guarded),
    background: new BackgroundWrites(deps.logger),
    quota: new QuotaGauge(deps.db, config.AI_DAILY_TOKEN_QUOTA, config.AI_QUOTA_REFRESH_MS),
  };
}

declare module "fastify" {
  interface FastifyInstance {
    /** Aria's context, for tests and tools that hold the app. */
    ariaContext: AriaContext;
  }
}
