import { createDocStore, type DocStore } from "@materi/docstore";
import type { SchemaRegistry } from "@materi/events";
import {
  createAccessTokenVerifier,
  createEmailTransport,
  createServiceApp,
  dataDirOf,
  mailDirOf,
  type AccessTokenVerifier,
  type Database,
  type EmailPort,
  type ServiceDeps,
} from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { jwksUrlOf, type ApiConfig } from "./config.js";
import type { ApiContext } from "./context.js";
import { createPermissionCache } from "./permissions/createPermissionCache.js";
import { DocumentWorkspaceCache } from "./store/DocumentWorkspaceCache.js";
import { activityRoutes } from "./routes/activity/routes.js";
import { documentRoutes } from "./routes/documents/routes.js";
import { internalRoutes } from "./routes/internal/routes.js";
import { invitationRoutes } from "./routes/invitations/routes.js";
import { memberRoutes } from "./routes/members/routes.js";
import { openapiRoutes, type PublicRoute } from "./routes/openapi/routes.js";
import { revisionRoutes } from "./routes/revisions/routes.js";
import { schemaRoutes } from "./routes/schemas/routes.js";
import { shareRoutes } from "./routes/shares/routes.js";
import { workspaceRoutes } from "./routes/workspaces/routes.js";
import { createUserDirectory } from "./users/createUserDirectory.js";

/** What buildApp needs beyond the platform's deps; tests replace the optional parts. */
export interface ApiDeps extends ServiceDeps {
  db: Database;
  registry: SchemaRegistry | undefined;
  /** Default: verification against Shield's JWKS (JWKS_URL). */
  verify?: AccessTokenVerifier;
  /** Default: createDocStore on `db`, announcing on Redis when REDIS_URL is set. */
  docs?: DocStore;
  /** Default: .eml files under `<MATERI_DATA_DIR>/mail`. */
  email?: EmailPort;
}

/** The api's routes on the platform app. No listen, no process.env. */
export async function buildApp(config: ApiConfig, deps: ApiDeps): Promise<FastifyInstance> {
  const app = createServiceApp({
    service: "api",
    logger: deps.logger,
    serviceKeys: deps.serviceKeys,
    readiness: deps.readiness,
    instrument: deps.observability.instrument,
  });
  const ctx = createApiContext(config, deps);
  app.decorate("apiContext", ctx);
  app.addHook("onClose", async () => {
    await ctx.permissions.stop();
    await ctx.users.close();
    if (!deps.docs) await ctx.docs.channel.close();
  });
  const publicRoutes: PublicRoute[] = [];
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/v1/") || route.url === "/api/v1/openapi.json") return;
    for (const method of [route.method].flat()) if (method !== "HEAD") publicRoutes.push({ method, url: route.url });
  });
  await app.register(openapiRoutes, { routes: publicRoutes });
  if (deps.registry) await app.register(schemaRoutes, { registry: deps.registry });
  for (const routes of [workspaceRoutes, memberRoutes, invitationRoutes, documentRoutes, shareRoutes, revisionRoutes, internalRoutes, activityRoutes]) {
    await app.register(routes, { ctx });
  }
  return app;
}

function createApiContext(config: ApiConfig, deps: ApiDeps): ApiContext {
  const verify =
    deps.verify ??
    createAccessTokenVerifier({ keys: { url: jwksUrlOf(config) }, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  return {
    config,
    db: deps.db,
    logger: deps.logger,
    registry: deps.registry,
    docs: deps.docs ?? createDocStore({ db: deps.db, logger: deps.logger, ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}) }),
    email: deps.email ?? createEmailTransport(config, { dir: mailDirOf(dataDirOf(config)), logger: deps.logger }),
    verify,
    users: createUserDirectory({ db: deps.db, logger: deps.logger, shieldUrl: config.SHIELD_URL, serviceKeys: deps.serviceKeys }),
    permissions: createPermissionCache({ db: deps.db, ttlMs: config.PERMISSION_CACHE_MS }),
    documentWorkspaces: new DocumentWorkspaceCache(),
  };
}

declare module "fastify" {
  interface FastifyInstance {
    /** The api's context, for tests and tools that hold the app. */
    apiContext: ApiContext;
  }
}
