import { isInternalPath, platformProblem } from "@materi/platform";
import type { FastifyInstance } from "fastify";

/**
 * Hooks that must run before everything else, including the platform's service-key guard:
 * - /internal/* does not exist at the edge: a 404 like any unknown path, with or without a
 *   service key (the guard would otherwise answer 401 and reveal that the prefix means something);
 * - every response names its request id, so a user can quote it in a bug report.
 */
export function installEdgeBasics(app: FastifyInstance): void {
  app.addHook("onRequest", (request, reply, done) => {
    void reply.header("x-request-id", request.id);
    if (isInternalPath(request.url)) {
      const path = request.url.split("?", 1)[0];
      done(platformProblem("PLATFORM_ERR_NOT_FOUND", `No route matches ${request.method} ${path}.`));
      return;
    }
    done();
  });
}
