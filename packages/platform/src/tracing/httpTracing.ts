import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { acceptCorrelationId, runWithContext } from "../context/requestContext.js";
import { SpanNames } from "./spans.js";

/** Response (and accepted request) header carrying the correlation id. */
export const CORRELATION_HEADER = "x-correlation-id";
// Accepted as a fallback because proxies and load balancers commonly set it.
const REQUEST_ID_HEADER = "x-request-id";

export interface HttpTracingOptions {
  /** Tracer name (instrumentation scope) for this app's spans, e.g. "shield". */
  service: string;
}

// Keyed by request rather than decorated on it, so the span never leaks into handlers' types.
const inFlight = new WeakMap<FastifyRequest, Span>();

/**
 * One SERVER span named "HTTP Request" per request (spec "Distributed Tracing": method, path, status),
 * continuing the caller's `traceparent`, plus the request context (correlation id) from requestContext.ts.
 * Register it first (`await app.register(httpTracing, { service })`) so every later hook runs inside both.
 */
export const httpTracing: FastifyPluginAsync<HttpTracingOptions> = async (app, opts) => {
  const tracer = trace.getTracer(opts.service);
  app.addHook("onRequest", (request, reply, done) => startRequest(tracer, request, reply, done));
  app.addHook("onError", (request, _reply, error, done) => {
    inFlight.get(request)?.recordException(error);
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    finish(request, reply.statusCode);
    done();
  });
  // When the client hangs up before the reply is sent, onResponse may never run; end the span here instead.
  app.addHook("onRequestAbort", (request, done) => {
    finish(request, undefined);
    done();
  });
};
// Like fastify-plugin's skip-override: the hooks must wrap the whole app, not only this plugin's children.
Object.assign(httpTracing, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "httpTracing",
});

function startRequest(tracer: Tracer, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = tracer.startSpan(
    SpanNames.httpRequest,
    { kind: SpanKind.SERVER, attributes: { method: request.method, path: spanPath(request) } },
    parent,
  );
  const correlationId = correlationIdOf(request);
  void reply.header(CORRELATION_HEADER, correlationId);
  inFlight.set(request, span);
  // Every later hook and the handler are called from inside done(), so they run in both contexts.
  // Body parsing keeps them too: Fastify runs parsers in an AsyncResource (lib/content-type-parser.js).
  context.with(trace.setSpan(parent, span), () => runWithContext({ correlationId }, done));
}

function finish(request: FastifyRequest, status: number | undefined): void {
  const span = inFlight.get(request);
  if (span === undefined) return;
  inFlight.delete(request);
  if (status === undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: "client aborted the request" });
  } else {
    span.setAttribute("status", status);
    // Per OTel HTTP semantics a SERVER span is an error only for 5xx; a 4xx is the caller's fault.
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
  }
  span.end();
}

/** The route pattern, or for unmatched requests the raw path without its query string. */
export function spanPath(request: FastifyRequest): string {
  const pattern = request.is404 ? undefined : request.routeOptions.url;
  return pattern ?? request.url.split("?", 1)[0] ?? request.url;
}

/** `x-correlation-id`, else `x-request-id` (validated by acceptCorrelationId), else Fastify's request id. */
export function correlationIdOf(request: FastifyRequest): string {
  const header = request.headers[CORRELATION_HEADER] ?? request.headers[REQUEST_ID_HEADER];
  return header === undefined ? request.id : acceptCorrelationId(header);
}
