import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { BaseConfig } from "../config/baseConfig.js";
import type { Database } from "../db/index.js";
import { createLogger } from "../logging/createLogger.js";
import { listen } from "../http/listen.js";
import type { ReadinessCheck } from "../http/health.js";
import { createObservability, type Observability } from "./observability.js";
import { openServiceDatabase, type SchemaMigrations, type ServiceDatabase } from "./openServiceDatabase.js";
import { resolveServiceKeys } from "./serviceKeys.js";
import type { RunningService, SharedRuntime, TransportHandle } from "./types.js";

/** What a service's buildApp receives. */
export interface ServiceDeps<T extends TransportHandle = TransportHandle> {
  logger: Logger;
  /** Present when the spec asked for schemas. */
  db: Database | undefined;
  transport: T;
  serviceKeys: readonly string[];
  /** Database and transport checks for /readyz. */
  readiness: ReadinessCheck[];
  observability: Observability;
}

export interface HttpServiceSpec<C extends BaseConfig & { PORT: number }, T extends TransportHandle> {
  name: string;
  config: C;
  shared?: SharedRuntime;
  /** Schemas to migrate on start; omit for a service without a database (the gateway). */
  schemas?: readonly SchemaMigrations[];
  /** Builds this service's transport when the launcher did not share one. */
  createTransport: () => T;
  build: (deps: ServiceDeps<T>) => FastifyInstance | Promise<FastifyInstance>;
  /**
   * Whether every request gets an `HTTP Request` span. Default true. The gateway turns it off
   * unless traces are exported: on its hot path a span costs more than the routing itself.
   */
  traceRequests?: boolean;
}

/**
 * Starts one service the same way alone or inside the all-in-one launcher: logger,
 * observability, database (migrated), transport, app, listen. stop() drains in that order
 * reversed: the app stops accepting and finishes in-flight requests before pools close.
 */
export async function startHttpService<C extends BaseConfig & { PORT: number }, T extends TransportHandle>(
  spec: HttpServiceSpec<C, T>,
): Promise<RunningService & { app: FastifyInstance }> {
  const shared = spec.shared ?? {};
  const logger = shared.logger?.child({ service: spec.name }) ?? createLogger({ service: spec.name, level: spec.config.LOG_LEVEL });
  const observability = createObservability({
    service: spec.name,
    otlpEndpoint: spec.config.OTEL_EXPORTER_OTLP_ENDPOINT,
    traceRequests: spec.traceRequests ?? true,
  });
  const database: ServiceDatabase | undefined = spec.schemas
    ? await openServiceDatabase({ service: spec.name, config: spec.config, shared, logger, schemas: spec.schemas })
    : undefined;
  database?.breaker.onStateChange((state) => observability.breakerState("database", state));
  const ownsTransport = !shared.transport;
  const transport = (shared.transport as T | undefined) ?? spec.createTransport();
  const readiness: ReadinessCheck[] = [{ name: "events", check: () => transport.ping() }];
  if (database) readiness.unshift({ name: "database", check: () => database.db.ping() });
  const serviceKeys = resolveServiceKeys(spec.config.SERVICE_KEYS, shared.serviceKeys, logger);
  const app = await spec.build({ logger, db: database?.db, transport, serviceKeys, readiness, observability });
  const url = await listen(app, spec.config.HOST, spec.config.PORT);
  logger.info({ url }, `${spec.name} listening`);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await drainAndClose(app);
      if (ownsTransport) await transport.close();
      await database?.close();
      await observability.shutdown();
    })());
  return { name: spec.name, url, app, stop };
}

/**
 * app.close() stops accepting and waits for in-flight requests, but a keep-alive socket whose
 * request finishes during the drain would then idle until its keep-alive timeout. Reaping idle
 * sockets while draining lets shutdown end as soon as the last response is written.
 */
export async function drainAndClose(app: FastifyInstance): Promise<void> {
  const reaper = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearInterval(reaper);
  }
}
