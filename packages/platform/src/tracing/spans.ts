import {
  ROOT_CONTEXT,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Span,
} from "@opentelemetry/api";

/** Span names from spec "Distributed Tracing"; dashboards and trace queries match them exactly. */
export const SpanNames = {
  /** Attributes: method, path, status. */
  httpRequest: "HTTP Request",
  /** Attributes: stream, type, size. */
  eventPublish: "Event Publish",
  /** Attributes: stream, consumer_group. */
  eventConsume: "Event Consume",
  /** Attributes: table, operation. */
  databaseQuery: "Database Query",
  /** Attributes: service, endpoint. */
  externalCall: "External Call",
} as const;

// Scope name for spans not started by a service's own tracer.
const TRACER_NAME = "@materi/platform";

/**
 * Runs `fn` inside a new active span (child of the current one). The span ends when `fn` settles;
 * a rejection is recorded on it, marks it as an error and is rethrown unchanged.
 */
export async function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function markFailed(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.recordException(String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  }
}

/**
 * The W3C `traceparent` of the active span, to put on an outbound message (event, WebSocket frame).
 * Undefined when no span is active or initTracing has not registered the propagator.
 */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier["traceparent"];
}

/** Trace id of the active span, for log lines; undefined outside any trace. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext !== undefined && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * Runs `fn` as a continuation of the trace a message was sent from, so spans started inside are its
 * children. Starts from the root context, not the current one: a consumer loop's ambient context is
 * unrelated to the message. A missing or malformed `traceparent` means `fn` starts a new trace.
 */
export function runWithTraceparent<T>(traceparent: string | undefined, fn: () => T): T {
  const ctx = traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, { traceparent });
  return context.with(ctx, fn);
}
