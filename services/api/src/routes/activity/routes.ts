import { principalOf, userPreHandler } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../../context.js";
import { apiProblem } from "../../errors.js";
import { activityReader } from "../../readModels/activity/activityReader.js";
import { presentUserRemovalSaga } from "../../saga/presentUserRemovalSaga.js";
import { userRemovalRetrier } from "../../saga/userRemovalRetrier.js";
import { findUserRemovalSaga } from "../../store/userRemovalStore.js";
import {
  ActivityParamsSchema,
  ActivityQuerySchema,
  SagaParamsSchema,
  type ActivityParamsReq,
  type ActivityQueryReq,
  type SagaParamsReq,
} from "./schema.js";

/**
 * The read side of issue 6's "Consistency": the activity read model (public, workspace members)
 * and the user-removal saga's state (internal: the platform guards /internal/* with the service key).
 */
export async function activityRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;

  app.get<{ Params: ActivityParamsReq; Querystring: ActivityQueryReq }>(
    "/api/v1/workspaces/:id/activity",
    { preHandler: userPreHandler(ctx.verify), schema: { params: ActivityParamsSchema, querystring: ActivityQuerySchema } },
    async (request) => {
      const { from, to } = request.query;
      return activityReader({ ctx, userId: principalOf(request).sub, workspaceId: request.params.id, from, to });
    },
  );

  app.get<{ Params: SagaParamsReq }>("/internal/sagas/user-removal/:user_id", { schema: { params: SagaParamsSchema } }, async (request) => {
    const saga = await findUserRemovalSaga(ctx.db, request.params.user_id);
    if (!saga) throw apiProblem("API_ERR_NOT_FOUND", "No user-removal saga for this user.");
    return presentUserRemovalSaga(saga);
  });

  app.post<{ Params: SagaParamsReq }>("/internal/sagas/user-removal/:user_id/retry", { schema: { params: SagaParamsSchema } }, async (request, reply) => {
    const saga = await userRemovalRetrier({ ctx, userId: request.params.user_id });
    return reply.code(202).send(presentUserRemovalSaga(saga));
  });
}
