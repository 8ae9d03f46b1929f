import { Hocuspocus } from "@hocuspocus/server";
import { createDocStore, createUpdateChannel } from "@materi/docstore";
import { catalogDecoders, type EventTransport, type ServiceEvents } from "@materi/events";
import { createAccessTokenVerifier, createServiceApp, type Database, type ServiceDeps } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { awarenessBridge } from "./awareness/awarenessBridge.js";
import { attachCollabSocket } from "./collab/attachCollabSocket.js";
import { LiveConnections } from "./collab/LiveConnections.js";
import { jwksUrlOf, type RelayConfig } from "./config.js";
import type { RelayContext } from "./context.js";
import { createCollaborationEvents } from "./events/collaborationEvents.js";
import { authExtension } from "./extensions/authExtension.js";
import { DurableAppends } from "./durability/DurableAppends.js";
import { durabilityExtension } from "./extensions/durabilityExtension.js";
import { eventsExtension } from "./extensions/eventsExtension.js";
import { metricsExtension } from "./extensions/metricsExtension.js";
import { permissionExtension } from "./extensions/permissionExtension.js";
import { sessionExtension } from "./extensions/sessionExtension.js";
import { DocumentFollowers } from "./fanout/DocumentFollowers.js";
import { startHeadCheck } from "./fanout/startHeadCheck.js";
import { createRelayMetrics } from "./metrics/relayMetrics.js";
import { createApiPermissions } from "./permissions/createApiPermissions.js";
import { startPermissionWatcher } from "./permissions/PermissionWatcher.js";
import { internalRoutes } from "./routes/internalRoutes.js";
import { createSessionRegistry } from "./sessions/createSessionRegistry.js";

export interface RelayDeps extends ServiceDeps<EventTransport> {
  db: Database;
  events: ServiceEvents;
}

/**
 * The relay: the platform app (healthz, readyz, metrics, /internal/sessions) plus hocuspocus on
 * its HTTP server's upgrades at /collab, one extension per concern. No listen, no process.env.
 */
export async function buildApp(config: RelayConfig, deps: RelayDeps): Promise<FastifyInstance> {
  const app = createServiceApp({
    service: "relay",
    logger: deps.logger,
    serviceKeys: deps.serviceKeys,
    readiness: deps.readiness,
    instrument: deps.observability.instrument,
  });
  const ctx = createRelayContext(config, deps, () => followers.resyncAll());
  const followers = new DocumentFollowers(ctx.docs, ctx.logger, ctx.metrics);
  const headCheck = startHeadCheck({ docs: ctx.docs, followers, logger: ctx.logger, intervalMs: config.RELAY_HEAD_CHECK_MS });
  const live = new LiveConnections();
  const events = createCollaborationEvents(ctx.bus, ctx.logger, config.RELAY_PRESENCE_SAMPLE_MS);
  const appends = new DurableAppends({
    docs: ctx.docs,
    followers,
    metrics: ctx.metrics,
    logger: ctx.logger,
    maxDocumentBytes: config.RELAY_MAX_DOCUMENT_BYTES,
    onAccepted: events.edit,
  });
  // Without Redis one instance runs alone: its awareness is all there is.
  const bridge = config.REDIS_URL
    ? awarenessBridge({ redisUrl: config.REDIS_URL, prefix: config.RELAY_REDIS_PREFIX, instanceId: config.RELAY_INSTANCE_ID, logger: ctx.logger })
    : undefined;
  const hocuspocus = new Hocuspocus({
    name: config.RELAY_INSTANCE_ID,
    quiet: true,
    timeout: config.RELAY_CONNECTION_TIMEOUT_S * 1000,
    // Durability does not hang on onStoreDocument (see durabilityExtension): unload as soon as the last client leaves.
    unloadImmediately: true,
    extensions: [
      authExtension(ctx.verify, ctx.logger),
      permissionExtension(ctx.permissions, ctx.logger),
      durabilityExtension({ appends, followers, metrics: ctx.metrics }),
      sessionExtension({ sessions: ctx.sessions, live, metrics: ctx.metrics, instanceId: config.RELAY_INSTANCE_ID }),
      eventsExtension(events, followers),
      metricsExtension(ctx.metrics),
      ...(bridge ? [bridge] : []),
    ],
  });
  const collab = attachCollabSocket({
    server: app.server,
    hocuspocus,
    logger: ctx.logger,
    metrics: ctx.metrics,
    maxPayloadBytes: config.RELAY_MAX_PAYLOAD_BYTES,
    messagesPerS: config.RELAY_MAX_MESSAGES_PER_S,
    bytesPerS: config.RELAY_MAX_BYTES_PER_S,
    onFrame: (socket, frame, bytes) => appends.begin(socket, frame, bytes),
  });
  const watcher = startPermissionWatcher({
    transport: deps.transport,
    decoders: deps.events.registry ?? catalogDecoders,
    permissions: ctx.permissions,
    live,
    metrics: ctx.metrics,
    logger: ctx.logger,
    pollMs: config.RELAY_PERMISSION_POLL_MS,
  });
  await app.register(internalRoutes, { sessions: ctx.sessions, debug: config.RELAY_DEBUG_ENDPOINTS, documentsLoaded: () => hocuspocus.getDocumentsCount() });
  // Upgraded sockets would hold the HTTP server's close open: end them first.
  app.addHook("preClose", async () => {
    await collab.close();
  });
  app.addHook("onClose", async () => {
    headCheck.stop();
    await watcher.stop();
    await bridge?.close();
    await ctx.sessions.close();
    await ctx.permissions.close();
    await ctx.docs.channel.close();
  });
  return app;
}

function createRelayContext(config: RelayConfig, deps: RelayDeps, onChannelReconnect: () => void): RelayContext {
  // Built here rather than by the docstore so that a reconnect (Redis was away) resyncs every loaded document.
  const channel = createUpdateChannel({
    logger: deps.logger,
    onReconnect: onChannelReconnect,
    connectionName: "materi-relay-docstore",
    ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}),
  });
  return {
    config,
    logger: deps.logger,
    docs: createDocStore({ db: deps.db, logger: deps.logger, channel }),
    verify: createAccessTokenVerifier({ keys: { url: jwksUrlOf(config) }, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    permissions: createApiPermissions({ apiUrl: config.API_URL, serviceKeys: deps.serviceKeys, logger: deps.logger, fallbackMs: config.RELAY_PERMISSION_CACHE_MS }),
    sessions: createSessionRegistry(config, deps.logger),
    bus: deps.events.bus,
    metrics: createRelayMetrics(deps.observability.metrics),
  };
}
