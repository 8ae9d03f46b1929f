import type { FastifyInstance } from "fastify";
import type { AriaContext } from "../../context.js";

/**
 * GET /internal/status (service key, enforced by the platform for /internal/*): each configured
 * provider's breaker state and its recent latency and error rate, as this replica saw them.
 */
export async function internalRoutes(app: FastifyInstance, opts: { ctx: AriaContext }): Promise<void> {
  const { ctx } = opts;
  app.get("/internal/status", async () => ({
    order: ctx.config.AI_PROVIDER_ORDER,
    providers: ctx.providers.providers.map((provider) => ({
      name: provider.name,
      model: provider.model,
      breaker: provider.breaker.state,
      ...provider.stats.summary(),
    })),
  }));
}
