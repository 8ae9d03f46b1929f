import { createLogger, listen, type Env } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { buildApp, type GatewayDeps } from "../app.js";
import { loadGatewayConfig, type GatewayConfig } from "../config.js";

/** Nothing listens on port 1: upstreams not given to a test are "down". */
export const DEAD_URL = "http://127.0.0.1:1";

export interface TestGateway {
  url: string;
  app: FastifyInstance;
  config: GatewayConfig;
  /** URLs of the requests Fastify handled (the proxy fast path answers the others). */
  fastifyUrls: string[];
  close(): Promise<void>;
}

/**
 * A quiet gateway on a free port, configured from `env` over test defaults (every upstream down,
 * a rate limit high enough not to matter). Close it in the test's teardown.
 */
export async function startTestGateway(env: Env = {}, deps: Partial<GatewayDeps> = {}): Promise<TestGateway> {
  const config = loadGatewayConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    SHIELD_URL: DEAD_URL,
    API_URL: DEAD_URL,
    ARIA_URL: DEAD_URL,
    RELAY_URL: DEAD_URL,
    RATE_LIMIT_REQUESTS: "10000",
    ...env,
  });
  const fastifyUrls: string[] = [];
  const instrument = (app: FastifyInstance) => {
    app.addHook("onRequest", (request, _reply, done) => {
      fastifyUrls.push(request.url);
      done();
    });
    deps.instrument?.(app);
  };
  const app = buildApp(config, { logger: createLogger({ service: "gateway", level: "silent" }), ...deps, instrument });
  const url = await listen(app, config.HOST, config.PORT);
  return { url, app, config, fastifyUrls, close: () => app.close() };
}

/** Reads a response body as JSON, typed loosely for assertions. */
export async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}
