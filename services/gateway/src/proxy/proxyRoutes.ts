import replyFrom, { type FastifyReplyFromHooks } from "@fastify/reply-from";
import type { Readable } from "node:stream";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { GatewayConfig } from "../config.js";
import { forwardRequestHeaders, forwardResponseHeaders } from "./forwardHeaders.js";
import { bodyWasTooLarge, passThroughBodies, tooLarge } from "./passThroughBody.js";
import { upstreamProblem } from "./upstreamErrors.js";

/** One service behind the gateway and the public paths routed to it. */
export interface UpstreamRoute {
  name: "shield" | "api" | "aria";
  /** Base URL, e.g. http://127.0.0.1:8083. */
  base: string;
  /** Each routes itself and everything below it (`/p` and `/p/*`). */
  prefixes: readonly string[];
  /** Routed as exactly this path. */
  exact: readonly string[];
}

/** The routing table of spec "REST API Contracts" (the relay's WebSocket is in collab/). */
export function upstreamRoutes(config: GatewayConfig): UpstreamRoute[] {
  return [
    { name: "shield", base: config.SHIELD_URL, prefixes: ["/api/v1/users", "/api/v1/auth", "/.well-known"], exact: [] },
    { name: "api", base: config.API_URL, prefixes: ["/api/v1/documents", "/api/v1/workspaces"], exact: ["/api/v1/openapi.json"] },
    { name: "aria", base: config.ARIA_URL, prefixes: ["/api/v1/ai"], exact: [] },
  ];
}

/** Whether `route` answers `path` (a path without its query). */
export function routesPath(route: UpstreamRoute, path: string): boolean {
  if (route.exact.includes(path)) return true;
  return route.prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** The Fastify route URLs an upstream answers on. */
export function routeUrls(route: UpstreamRoute): string[] {
  return [...route.prefixes.flatMap((prefix) => [prefix, `${prefix}/*`]), ...route.exact];
}

export interface ProxyOptions {
  /** Services and the paths routed to each. */
  routes: readonly UpstreamRoute[];
  /** Largest request body forwarded, in bytes. */
  bodyLimitBytes: number;
  /** Upstream headers (and body inactivity) timeout, in ms. */
  timeoutMs: number;
  /** Keep-alive connections per upstream. */
  connections: number;
}

interface UpstreamOptions extends Omit<ProxyOptions, "routes"> {
  route: UpstreamRoute;
}

/** Registers one encapsulated proxy per upstream: its own undici pool and its own body handling. */
export const proxyRoutes: FastifyPluginAsync<ProxyOptions> = async (app, options) => {
  for (const route of options.routes) await app.register(upstreamProxy, { ...options, route });
};

const upstreamProxy: FastifyPluginAsync<UpstreamOptions> = async (app, options) => {
  await app.register(replyFrom, {
    base: options.route.base,
    // One keep-alive pool per upstream; pipelining 1 because a slow response must not hold up
    // unrelated requests queued behind it on the same socket.
    undici: {
      connections: options.connections,
      pipelining: 1,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    },
    destroyAgent: true,
    disableRequestLogging: true,
  });
  passThroughBodies(app, options.bodyLimitBytes);
  const hooks = replyHooks(options);
  const handler = (_request: FastifyRequest, reply: FastifyReply) => reply.from(undefined, hooks);
  for (const url of routeUrls(options.route)) app.all(url, handler);
};

// Built once per upstream, not per request: reply.from reads these on every call.
function replyHooks(options: UpstreamOptions): FastifyReplyFromHooks {
  return {
    rewriteRequestHeaders: (request, headers) => forwardRequestHeaders(request as FastifyRequest, headers),
    rewriteHeaders: (headers) => forwardResponseHeaders(headers),
    // reply-from types the body as IncomingMessage; with undici it is undici's Readable body.
    onResponse: (_request, reply, res) => relayResponse(options.route.name, reply as FastifyReply, res.stream),
    onError: (reply, { error }) => {
      const problem = bodyWasTooLarge(reply.request) ? tooLarge(options.bodyLimitBytes) : upstreamProblem(options.route.name, error);
      void reply.send(problem);
    },
    // reply-from retries GETs answered 503 up to 10 times by default; the edge passes the
    // service's answer through instead, and clients retry with the spec's backoff.
    retryDelay: () => null,
  };
}

/**
 * Bodies up to this size (by the upstream's Content-Length) are read whole and sent as one
 * buffer: headers and body then leave in a single write, where piping a stream costs stream
 * bookkeeping and extra writes per response. Larger or unsized bodies stream through. 64 KiB.
 */
export const BUFFERED_BODY_MAX_BYTES = 64 * 1024;

/** Sends the upstream's body to the client (reply-from has already copied status and headers). */
export function relayResponse(service: string, reply: FastifyReply, body: Readable): void {
  const declared = reply.getHeader("content-length");
  const length = typeof declared === "string" ? Number(declared) : typeof declared === "number" ? declared : Number.NaN;
  if (!(length <= BUFFERED_BODY_MAX_BYTES)) {
    void reply.send(body);
    return;
  }
  readWhole(body).then(
    (buffer) => void reply.send(buffer),
    (err: Error) => {
      // Headers are not sent yet (nothing was written), so the client still gets a problem.
      if (!reply.sent) void reply.send(upstreamProblem(service, err));
    },
  );
}

function readWhole(body: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on("data", (chunk: Buffer) => chunks.push(chunk));
    body.once("error", reject);
    body.once("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
  });
}
