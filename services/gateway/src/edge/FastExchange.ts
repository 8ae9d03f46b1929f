import type { IncomingMessage, ServerResponse } from "node:http";
import { acceptCorrelationId, observeRequest, platformProblem, type ProblemError } from "@materi/platform";
import { isPublicRoute } from "../auth/publicRoutes.js";
import type { RouteMatch } from "../proxy/proxyRoutes.js";
import type { Admission } from "./admission.js";
import type { FastPathOptions } from "./fastPath.js";
import { logProblem, sendProblem, type EdgeHeaders } from "./rawProblem.js";

/**
 * One proxied request on the fast path, from admission to the access log line. A class rather
 * than a handful of closures: this runs once per request on the hot path.
 */
export class FastExchange {
  private readonly startedMs = performance.now();
  private readonly requestId: string;

  constructor(
    private readonly options: FastPathOptions,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly url: string,
    private readonly match: RouteMatch,
  ) {
    this.requestId = acceptCorrelationId(req.headers["x-request-id"] ?? req.headers["x-correlation-id"]);
  }

  /** Runs the edge's checks, then forwards or refuses. */
  admit(path: string): void {
    const { req } = this;
    const pending = this.options.admit({ headers: req.headers, peer: req.socket.remoteAddress, needsToken: !isPublicRoute(req.method ?? "GET", path) });
    if (!(pending instanceof Promise)) return this.admitted(pending);
    pending.then(
      (admission) => this.admitted(admission),
      (err: unknown) => {
        const problem = platformProblem("PLATFORM_ERR_INTERNAL", "Something went wrong on our side; it has been logged.", { cause: err });
        this.refuse(problem, { "x-request-id": this.requestId });
      },
    );
  }

  private admitted(admission: Admission): void {
    const { rate } = admission;
    const edgeHeaders = { "x-request-id": this.requestId, "ratelimit-limit": rate.limit, "ratelimit-remaining": rate.remaining, "ratelimit-reset": rate.resetS };
    if (admission.problem !== undefined) return this.refuse(admission.problem, edgeHeaders);
    this.match.upstream.forward(this.req, this.res, {
      url: this.url,
      clientIp: admission.clientIp,
      requestId: this.requestId,
      correlationId: this.requestId,
      edgeHeaders,
      logger: this.options.logger,
      onClose: this.closed,
    });
  }

  private refuse(problem: ProblemError, edgeHeaders: EdgeHeaders): void {
    this.res.once("close", this.closed);
    logProblem(this.options.logger, problem, this.requestId);
    sendProblem(this.res, problem, { url: this.url, requestId: this.requestId }, edgeHeaders);
  }

  /** Metrics and the access log line, as httpMetrics and the platform's log controller write them. */
  private readonly closed = (): void => {
    const { options, res, req } = this;
    const method = req.method ?? "GET";
    const ms = performance.now() - this.startedMs;
    // Like Fastify's onResponse: only responses that were fully written are counted.
    if (!res.writableFinished) {
      options.logger.info({ request_id: this.requestId, method, url: this.url, ms: round(ms) }, "request aborted");
      return;
    }
    if (options.metrics !== undefined) {
      observeRequest(options.metrics, { method, route: this.match.label, status: res.statusCode, durationSeconds: ms / 1000 });
    }
    if (options.logger.isLevelEnabled("info")) {
      options.logger.info({ request_id: this.requestId, method, url: this.url, status: res.statusCode, ms: round(ms) }, "request completed");
    }
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
