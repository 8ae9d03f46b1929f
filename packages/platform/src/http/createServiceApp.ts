import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { acceptCorrelationId } from "../context/requestContext.js";
import { installHealthRoutes, type ReadinessCheck } from "./health.js";
import { installProblemHandler } from "./problemHandler.js";
import { installServiceKeyGuard } from "./serviceKey.js";
import { closeRequestlessConnectionsOnClose } from "./requestlessConnections.js";

export interface ServiceAppOptions {
  /** Service name, for logs, metrics and spans. */
  service: string;
  logger: Logger;
  /** Keys accepted on /internal/* routes. */
  serviceKeys: readonly string[];
  /** What /readyz checks. */
  readiness: readonly ReadinessCheck[];
  /** Largest accepted request body, in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** Fastify's trustProxy (only the gateway sits behind a proxy). Default false. */
  trustProxy?: boolean | string | string[] | ((address: string, hop: number) => boolean);
  /** Registers tracing and metrics hooks before any route (see createObservability). */
  instrument?: (app: FastifyInstance) => void;
}

/**
 * The Fastify app every service starts from: request ids, problem+json errors, health and
 * readiness, the service-key guard on /internal/*, and the observability hooks. Routes are
 * registered by the service on the returned instance.
 */
export function createServiceApp(options: ServiceAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new ServiceLogController(),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    genReqId: (req) => acceptCorrelationId(req.headers["x-request-id"] ?? req.headers["x-correlation-id"]),
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  }) as unknown as FastifyInstance;
  closeRequestlessConnectionsOnClose(app);
  options.instrument?.(app);
  installProblemHandler(app);
  installServiceKeyGuard(app, options.serviceKeys);
  installHealthRoutes(app, options.readiness);
  return app;
}

/** One compact line per request, when it completes; nothing when it arrives. */
class ServiceLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: "request_id" });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, "request failed");
    else reply.log.info(line, "request completed");
  }
}
