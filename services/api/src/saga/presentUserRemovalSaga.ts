import type { UserRemovalSaga } from "../store/userRemovalStore.js";

/** The saga as GET /internal/sagas/user-removal/{user_id} shows it. */
export function presentUserRemovalSaga(saga: UserRemovalSaga) {
  return {
    id: saga.id,
    user_id: saga.userId,
    state: saga.state,
    step: saga.step,
    attempts: saga.attempts,
    last_error: saga.lastError,
    next_attempt_at: saga.state === "running" || saga.state === "compensating" ? saga.nextAttemptAt.toISOString() : null,
    pending_compensations: saga.undo,
    history: saga.history,
    started_at: saga.startedAt.toISOString(),
    updated_at: saga.updatedAt.toISOString(),
    completed_at: saga.completedAt?.toISOString() ?? null,
  };
}
