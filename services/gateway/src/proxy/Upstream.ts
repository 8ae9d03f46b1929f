import type { IncomingMessage, ServerResponse } from "node:http";
import { Pool, type Dispatcher } from "undici";
import { isProblemError, platformProblem, type ProblemError } from "@materi/platform";
import { logProblem, sendProblem } from "../edge/rawProblem.js";
import { forwardRequestHeaders, type ForwardedRequest } from "./forwardHeaders.js";
import { upstreamBody } from "./passThroughBody.js";
import type { UpstreamRoute } from "./proxyRoutes.js";
import { ResponseRelay, type RelayTarget } from "./ResponseRelay.js";

export interface UpstreamOptions {
  /** Largest request body forwarded, in bytes. */
  bodyLimitBytes: number;
  /** How long the upstream may take to send response headers, and between body chunks, in ms. */
  timeoutMs: number;
  /** Keep-alive connections to the upstream. */
  connections: number;
}

/** One request handed to an upstream, once the edge has admitted it. */
export interface ProxiedRequest extends ForwardedRequest, RelayTarget {}

/**
 * One service behind the gateway and its keep-alive connection pool. forward() streams a raw
 * client request to it and the answer back (ResponseRelay), whether the request came through
 * the fast path (edge/fastPath.ts) or through Fastify (proxy/proxyRoutes.ts).
 */
export class Upstream {
  private readonly pool: Pool;

  constructor(
    readonly route: UpstreamRoute,
    private readonly options: UpstreamOptions,
  ) {
    // Pipelining 1: a slow response must not hold up unrelated requests queued behind it on one socket.
    this.pool = new Pool(new URL(route.base).origin, {
      connections: options.connections,
      pipelining: 1,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /**
   * Sends `req` upstream as it is (path, query, body) with the edge's forwarding fields, or
   * refuses it (400 path, 413 body). Never throws; calls `request.onClose` once `res` is closed.
   */
  forward(req: IncomingMessage, res: ServerResponse, request: ProxiedRequest): void {
    const body = pathRefusal(request.url) ?? upstreamBody(req, this.options.bodyLimitBytes);
    if (isProblemError(body)) {
      if (request.onClose !== undefined) res.once("close", request.onClose);
      logProblem(request.logger, body, request.requestId);
      sendProblem(res, body, request, request.edgeHeaders);
      return;
    }
    const headers = forwardRequestHeaders(req, request, body.stream !== null);
    const relay = new ResponseRelay(req, res, request, this.route.name, body.limit);
    const method = req.method as Dispatcher.HttpMethod;
    this.pool.dispatch({ path: request.url, method, headers, body: body.stream }, relay);
  }

  /** Drops the pool's connections (after the server has drained). */
  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/**
 * A `..` segment (raw, percent-encoded, or behind a backslash) could walk out of the routed
 * prefix at the upstream, past the edge's public/protected decision: refused with a 400, as
 * reply-from did. Most paths have neither `.` pairs nor `%`, and skip the decoding.
 */
function pathRefusal(url: string): ProblemError | undefined {
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  if (!path.includes("..") && !path.includes("%")) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return platformProblem("PLATFORM_ERR_VALIDATION", "The request path is not valid percent-encoding.");
  }
  if (!decoded.split(/[\\/]/).includes("..")) return undefined;
  return platformProblem("PLATFORM_ERR_VALIDATION", "The request path must not contain '..' segments.");
}
