import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { normalizeError } from "../http-errors/normalizeError.js";
import { platformProblem } from "../http-errors/platformProblem.js";
import { PROBLEM_CONTENT_TYPE, toProblemDocument } from "../http-errors/problemDocument.js";
import type { ProblemError } from "../http-errors/ProblemError.js";
import { currentContext } from "../context/requestContext.js";

/**
 * One renderer for every 4xx/5xx a service answers: RFC 9457 problem+json with our stable
 * `code`. Stack traces and causes go to the log, never to the client.
 */
export function installProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const problem = normalizeError(err);
    if (problem.isReportable) request.log.error({ err: problem.cause ?? err, code: problem.code }, problem.detail);
    else request.log.info({ code: problem.code, status: problem.status }, problem.detail);
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0];
    return sendProblem(request, reply, platformProblem("PLATFORM_ERR_NOT_FOUND", `No route matches ${request.method} ${path}.`));
  });
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  const correlationId = currentContext()?.correlationId ?? String(request.id);
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(toProblemDocument(problem, { url: request.url, correlationId }));
}
