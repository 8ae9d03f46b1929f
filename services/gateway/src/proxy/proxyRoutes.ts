import replyFrom, { type FastifyReplyFromHooks } from "@fastify/reply-from";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { forwardRequestHeaders, forwardResponseHeaders } from "./forwardHeaders.js";
import { relayResponse } from "./relayResponse.js";
import { bodyWasTooLarge, passThroughBodies, tooLarge } from "./passThroughBody.js";
import { upstreamProblem } from "./upstreamErrors.js";
import { routeUrls, type UpstreamRoute } from "./upstreams.js";

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

