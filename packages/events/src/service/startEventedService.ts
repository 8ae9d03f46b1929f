import {
  startHttpService,
  type BaseConfig,
  type HttpServiceSpec,
  type RunningService,
  type SchemaMigrations,
  type ServiceDeps,
} from "@materi/platform";
import { schemaRegistryMigrations } from "../registry/index.js";
import { createTransport } from "../transports/createTransport.js";
import type { EventTransport } from "../transports/EventTransport.js";
import { startServiceEvents, type ServiceEvents, type ServiceEventsOptions } from "./startServiceEvents.js";

/** The app a service builds (a Fastify instance), named without depending on fastify here. */
type ServiceApp = Awaited<ReturnType<HttpServiceSpec<BaseConfig & { PORT: number }, EventTransport>["build"]>>;

export interface EventedServiceSpec<C extends BaseConfig & { PORT: number }>
  extends Omit<HttpServiceSpec<C, EventTransport>, "schemas" | "createTransport" | "build"> {
  /**
   * The service's own schemas; the events schema (the registry every publisher and consumer
   * reads) is migrated first, so start order between services does not matter. Omit for a
   * service without a database.
   */
  schemas?: readonly SchemaMigrations[];
  /** The schema whose outbox this service drains. Default none. */
  outboxSchema?: string;
  onConfigChanged?: ServiceEventsOptions["onConfigChanged"];
  build: (deps: ServiceDeps<EventTransport> & { events: ServiceEvents }) => ServiceApp | Promise<ServiceApp>;
}

/**
 * startHttpService plus the service's place on the event backbone: its transport (Redis or
 * in-process), the registry migrations, and startServiceEvents before build, stopped after the
 * app has drained. Every service starts through it, so none repeats the wiring.
 */
export function startEventedService<C extends BaseConfig & { PORT: number }>(
  spec: EventedServiceSpec<C>,
): Promise<RunningService & { app: ServiceApp }> {
  const { schemas, outboxSchema, onConfigChanged, build, ...rest } = spec;
  return startHttpService({
    ...rest,
    schemas: schemas ? [{ owner: "events", migrations: schemaRegistryMigrations }, ...schemas] : undefined,
    createTransport: () => createTransport({ redisUrl: spec.config.REDIS_URL, connectionName: spec.name }),
    build: async (deps) => {
      const events = await startServiceEvents({
        service: spec.name,
        transport: deps.transport,
        logger: deps.logger,
        metrics: deps.observability.metrics,
        db: deps.db,
        outboxSchema,
        onConfigChanged,
      });
      try {
        const app = await build({ ...deps, events });
        app.addHook("onClose", () => events.stop());
        return app;
      } catch (err) {
        await events.stop();
        throw err;
      }
    },
  });
}
