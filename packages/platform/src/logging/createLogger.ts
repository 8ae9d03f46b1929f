import { trace } from "@opentelemetry/api";
import { pino, type Logger, type LoggerOptions } from "pino";
import { currentContext } from "../context/requestContext.js";

export type { Logger } from "pino";

export interface LoggerSettings {
  /** Service name, on every line as `service`. */
  service: string;
  /** pino level. Default info. */
  level?: string;
  /** Where lines go. Default stdout. */
  destination?: pino.DestinationStream;
}

/**
 * JSON logs that carry the correlation id and trace ids of the work in flight, so one user
 * action can be followed across services, events and log lines.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? "info",
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["req.headers.authorization", "req.headers['x-service-key']", "req.headers.cookie", "password", "*.password"],
      censor: "[redacted]",
    },
    mixin: correlationMixin,
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

function correlationMixin(): Record<string, string> {
  const fields: Record<string, string> = {};
  const ctx = currentContext();
  if (ctx) fields.correlation_id = ctx.correlationId;
  const span = trace.getActiveSpan()?.spanContext();
  if (span && span.traceId !== "00000000000000000000000000000000") {
    fields.trace_id = span.traceId;
    fields.span_id = span.spanId;
  }
  return fields;
}
