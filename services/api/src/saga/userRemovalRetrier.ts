import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";
import { findUserRemovalSaga, restartFailedSaga, type UserRemovalSaga } from "../store/userRemovalStore.js";
import { USER_REMOVAL_STEPS } from "./userRemovalSteps.js";

/**
 * An operator's retry of a failed saga: it runs again from its first step (every step is
 * idempotent), picked up by the runner's next poll. 409 unless the saga is failed.
 */
export async function userRemovalRetrier(input: { ctx: Pick<ApiContext, "db">; userId: string }): Promise<UserRemovalSaga> {
  const { ctx, userId } = input;
  const first = USER_REMOVAL_STEPS[0]?.name ?? "done";
  const restarted = await restartFailedSaga(ctx.db, userId, first, { step: first, outcome: "retry_requested", attempt: 0, at: new Date().toISOString() });
  const saga = await findUserRemovalSaga(ctx.db, userId);
  if (!saga) throw apiProblem("API_ERR_NOT_FOUND", "No user-removal saga for this user.");
  if (!restarted) throw apiProblem("API_ERR_CONFLICT", `The saga is ${saga.state}; only a failed saga can be retried.`);
  return saga;
}
