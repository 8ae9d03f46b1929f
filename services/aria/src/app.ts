import { createServiceApp, type ServiceDeps } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import type { AriaConfig } from "./config.js";

/** The aria service's routes on the platform app. No listen, no process.env. */
export async function buildApp(_config: AriaConfig, deps: ServiceDeps): Promise<FastifyInstance> {
  return createServiceApp({
    service: "aria",
    logger: deps.logger,
    serviceKeys: deps.serviceKeys,
    readiness: deps.readiness,
    instrument: deps.observability.instrument,
  });
}
