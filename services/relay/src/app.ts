import { createServiceApp, type ServiceDeps } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import type { RelayConfig } from "./config.js";

/** The relay service's routes on the platform app. No listen, no process.env. */
export async function buildApp(_config: RelayConfig, deps: ServiceDeps): Promise<FastifyInstance> {
  return createServiceApp({
    service: "relay",
    logger: deps.logger,
    serviceKeys: deps.serviceKeys,
    readiness: deps.readiness,
    instrument: deps.observability.instrument,
  });
}
