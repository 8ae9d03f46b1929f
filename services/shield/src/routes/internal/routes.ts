import type { FastifyInstance } from "fastify";
import { internalUserLookup } from "../../commands/internalUserLookup.js";
import type { ShieldContext } from "../../context.js";
import { presentClaims } from "../../presenters/presentClaims.js";
import { presentUser } from "../../presenters/presentUser.js";
import { UserCache } from "../../tokens/UserCache.js";
import { parseRevokeRequest } from "../auth/schema.js";
import { UserIdParamsSchema } from "../users/schema.js";

/** Header telling the caller an answer came from the degraded-mode cache. */
export const DEGRADED_HEADER = "x-materi-degraded";

/**
 * Service-key routes (the platform guard enforces the key). /internal/validate needs no
 * database: keys are in memory, the revocation list in Redis.
 */
export async function internalRoutes(app: FastifyInstance, opts: { ctx: ShieldContext; cache?: UserCache }): Promise<void> {
  const { ctx } = opts;
  const cache = opts.cache ?? new UserCache();

  app.post("/internal/validate", async (request) => {
    // ctx.verify checks the signature and the revocation list: verified and not revoked.
    return presentClaims(await ctx.verify(parseRevokeRequest(request.body).token));
  });

  app.get<{ Params: { id: string } }>("/internal/user/:id", { schema: { params: UserIdParamsSchema } }, async (request, reply) => {
    const { user, degraded } = await internalUserLookup({ ctx, cache, userId: request.params.id });
    if (degraded) void reply.header(DEGRADED_HEADER, "true");
    return { ...presentUser(user), degraded };
  });
}
