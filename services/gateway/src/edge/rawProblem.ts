import { STATUS_CODES, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { PROBLEM_CONTENT_TYPE, toProblemDocument, type Logger, type ProblemError } from "@materi/platform";

/**
 * The one place the gateway renders a ProblemError outside Fastify's reply: on a raw
 * ServerResponse (the proxy fast path, and hijacked proxy replies) or on an upgrade's socket
 * (/collab). The document is the platform's (toProblemDocument), so a client sees the same
 * problem+json whichever path answered it; Fastify's own answers go through its error handler.
 */

/** Response fields the edge adds (request id, RateLimit-*), lower-case names. */
export type EdgeHeaders = Readonly<Record<string, string | number | readonly string[] | undefined>>;

/** What problems are logged to: the service logger, or a Fastify request's. */
export type ProblemLogger = Pick<Logger, "info" | "warn" | "error">;

/** Which request a problem answers: its URL (the document's `instance`) and its request id. */
export interface ProblemTarget {
  url: string;
  requestId: string;
}

/** Matches what Fastify's reply.type() sends for the platform's problem responses. */
const CONTENT_TYPE = `${PROBLEM_CONTENT_TYPE}; charset=utf-8`;

/**
 * Answers with `problem` as problem+json. `headers` are the edge's own (request id, RateLimit-*);
 * the problem's (Retry-After, WWW-Authenticate) are added over them. Does nothing once the
 * response has started: then the only honest signal left is cutting the connection, the caller's call.
 */
export function sendProblem(res: ServerResponse, problem: ProblemError, target: ProblemTarget, headers: EdgeHeaders = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = problemJson(problem, target);
  const fields = { ...headers, ...problem.headers, "content-type": CONTENT_TYPE, "content-length": Buffer.byteLength(body) };
  res.writeHead(problem.status, fields as OutgoingHttpHeaders);
  res.end(body);
}

/** Answers an upgrade request with a problem+json HTTP response and closes the connection. */
export function writeProblem(socket: Duplex, problem: ProblemError, target: ProblemTarget): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = problemJson(problem, target);
  const fields: Record<string, string> = {
    "Content-Type": CONTENT_TYPE,
    "Content-Length": String(Buffer.byteLength(body)),
    Connection: "close",
    "X-Request-Id": target.requestId,
    ...problem.headers,
  };
  const head = Object.entries(fields).map(([name, value]) => `${name}: ${value}`);
  socket.end(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ""}\r\n${head.join("\r\n")}\r\n\r\n${body}`);
}

/**
 * Logs a problem answered outside Fastify the way the platform's error handler does: reportable
 * ones (upstream down, timeouts) at error with their cause, the caller's mistakes at info.
 */
export function logProblem(logger: ProblemLogger, problem: ProblemError, requestId: string): void {
  if (problem.isReportable) logger.error({ request_id: requestId, err: problem.cause ?? problem, code: problem.code }, problem.detail);
  else logger.info({ request_id: requestId, code: problem.code, status: problem.status }, problem.detail);
}

function problemJson(problem: ProblemError, target: ProblemTarget): string {
  return JSON.stringify(toProblemDocument(problem, { url: target.url, correlationId: target.requestId }));
}
