import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import type { Logger, Metrics } from "@materi/platform";
import { pathOf } from "../auth/publicRoutes.js";
import type { RouteMatch } from "../proxy/proxyRoutes.js";
import type { Admit } from "./admission.js";
import { FastExchange } from "./FastExchange.js";

export interface FastPathOptions {
  /** The upstream (and metrics route label) of a path, if any. */
  match: (path: string) => RouteMatch | undefined;
  /** The edge's checks, the same ones Fastify's edge guard runs. */
  admit: Admit;
  logger: Logger;
  /** Where request metrics go; none recorded when absent. */
  metrics?: Metrics | undefined;
  /** CORS is configured: requests with an Origin header go to Fastify, where @fastify/cors answers them. */
  cors: boolean;
  /** True once the app is closing: Fastify then answers 503 (return503OnClosing). */
  closing: () => boolean;
}

/** Answers a request and returns true, or returns false to leave it to Fastify. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Puts the fast path in front of `app`'s router; it steps aside once the app starts closing. */
export function installFastPath(app: FastifyInstance, options: Omit<FastPathOptions, "closing">): void {
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  interceptRequests(app.server, createFastPath({ ...options, closing: () => closing }));
}

/**
 * Puts `fastPath` in front of Fastify on `server`: each request goes to it first and to Fastify
 * only when it declines. This is Fastify's `serverFactory` done after the fact (createServiceApp
 * builds the server without one): Fastify's router, hooks and reply are skipped entirely for the
 * requests the fast path takes. Requests that reach Fastify another way (app.inject, the second
 * address Fastify binds for a HOST like "localhost") are still proxied, by proxy/proxyRoutes.ts.
 */
export function interceptRequests(server: Server, fastPath: FastPath): void {
  const fastify = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (fastPath(req, res)) return;
    for (const listener of fastify) listener.call(server, req, res);
  });
}

/**
 * The proxied API hot path at the node:http level: for a path an upstream serves, the edge's
 * checks (client address, cached token, local rate-limit budget: edge/admission.ts), then the
 * request is streamed to the upstream and its answer back (proxy/Upstream.ts). It records the
 * same request metrics and access log line as Fastify does, and refuses with the same problems.
 * Everything else (canvas, health, metrics, 404s, /internal, CORS, service keys) is declined.
 */
export function createFastPath(options: FastPathOptions): FastPath {
  return (req, res) => {
    const url = req.url;
    if (url === undefined || url.charCodeAt(0) !== 47 /* "/" */ || options.closing()) return false;
    const path = pathOf(url);
    const match = options.match(path);
    if (match === undefined) return false;
    const headers = req.headers;
    // The platform answers a service key on a public route with a 400 of its own; CORS is @fastify/cors's.
    if (headers["x-service-key"] !== undefined || (options.cors && headers.origin !== undefined)) return false;
    new FastExchange(options, req, res, url, match).admit(path);
    return true;
  };
}
