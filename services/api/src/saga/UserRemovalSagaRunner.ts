import type { Queryable } from "@materi/platform";
import type { ApiContext } from "../context.js";
import {
  advanceSaga,
  dueUserRemovalSagas,
  finishCompensation,
  lockDueSaga,
  recordSagaFailure,
  type SagaHistoryEntry,
  type UserRemovalSaga,
} from "../store/userRemovalStore.js";
import { compensate, USER_REMOVAL_STEPS, type SagaStep, type StepContext } from "./userRemovalSteps.js";

export interface UserRemovalSagaRunnerOptions {
  ctx: StepContext & Pick<ApiContext, "db" | "logger">;
  /** The steps, in order. Default USER_REMOVAL_STEPS; tests wrap one to make it fail. */
  steps?: readonly SagaStep[];
  /** Failed attempts of one step before giving up. Default 5. */
  maxAttempts?: number;
  /** First retry delay in ms, doubling per attempt. Default 1000. */
  retryMs?: number;
  /** Longest retry delay in ms. Default 60000. */
  maxRetryMs?: number;
  /** How often due sagas are looked for, in ms. Default 5000. */
  pollMs?: number;
}

const DONE = "done";
const BATCH = 20;

/**
 * Drives user-removal sagas (issue 6, "Consistency"): each step in its own transaction that also
 * advances the saga row, so a crash between steps loses nothing and a restart (any replica: rows
 * are locked with SKIP LOCKED) resumes where the saga stood. A failed step is retried with
 * exponential backoff; after `maxAttempts` the saga compensates what earlier steps changed and
 * ends `failed`, with the reason in `last_error` and every attempt in `history`.
 */
export class UserRemovalSagaRunner {
  private readonly steps: readonly SagaStep[];
  private readonly maxAttempts: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private dueAt = Infinity;
  private running: Promise<void> | undefined;
  // A wake-up that came while a pass was running: run another pass right after it.
  private again = false;
  private stopped = false;

  constructor(private readonly options: UserRemovalSagaRunnerOptions) {
    this.steps = options.steps ?? USER_REMOVAL_STEPS;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryMs = options.retryMs ?? 1_000;
    this.maxRetryMs = options.maxRetryMs ?? 60_000;
    this.pollMs = options.pollMs ?? 5_000;
  }

  /** The first step's name: where a new or restarted saga begins. */
  get firstStep(): string {
    return this.steps[0]?.name ?? DONE;
  }

  /** Starts polling; the first pass runs at once, resuming sagas a previous process left unfinished. */
  start(): this {
    this.wakeIn(0);
    return this;
  }

  /** Looks for due sagas in `ms` (sooner if already scheduled sooner). */
  wakeIn(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (this.timer && at >= this.dueAt) return;
    clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every due saga, each driven as far as it goes; resolves when done. */
  async runDue(): Promise<void> {
    for (;;) {
      const ids = await dueUserRemovalSagas(this.options.ctx.db, BATCH);
      let progressed = 0;
      for (const id of ids) {
        if (this.stopped) return;
        while (await this.advance(id)) progressed++;
      }
      if (ids.length < BATCH || progressed === 0) return;
    }
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.dueAt = Infinity;
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.runDue()
      .catch((err: unknown) => this.options.ctx.logger.error({ err }, "user-removal saga pass failed"))
      .finally(() => {
        this.running = undefined;
        this.wakeIn(this.again ? 0 : this.pollMs);
      });
    await this.running;
  }

  /**
   * Runs the saga's next step (or its compensation); true when it moved and may be due again. A
   * failure rolls back to a savepoint and is recorded while the row is still locked, so no other
   * replica retries the step before its attempt is counted.
   */
  private async advance(id: string): Promise<boolean> {
    const { ctx } = this.options;
    // Set inside the transaction callback: TypeScript does not track assignments made there.
    const held: { afterCommit?: () => void } = {};
    const more = await ctx.db.transaction(async (tx) => {
      const saga = await lockDueSaga(tx, id);
      if (!saga) return false;
      await tx.query("savepoint saga_step");
      try {
        if (saga.state === "compensating") {
          await compensate(ctx, tx, saga);
          await finishCompensation(tx, id, entry(saga.step, "compensated", saga.attempts + 1));
          held.afterCommit = () => saga.undo.forEach((undo) => ctx.permissions.invalidateWorkspace(undo.workspaceId));
          return false;
        }
        const outcome = await this.runStep(tx, saga);
        held.afterCommit = outcome.afterCommit;
        return outcome.more;
      } catch (err) {
        await tx.query("rollback to savepoint saga_step");
        held.afterCommit = await this.recordFailure(tx, saga, err);
        return false;
      }
    });
    held.afterCommit?.();
    return more;
  }

  private async runStep(tx: Queryable, saga: UserRemovalSaga): Promise<{ more: boolean; afterCommit?: () => void }> {
    const { ctx } = this.options;
    const index = this.steps.findIndex((s) => s.name === saga.step);
    const step = this.steps[index];
    if (!step) {
      // A step name this code does not know (an older or newer release): finish rather than loop.
      await advanceSaga(tx, saga.id, { step: DONE, state: "completed", undo: [], history: entry(saga.step, "completed", 0) });
      return { more: false };
    }
    const undo = await step.run(ctx, tx, saga);
    const next = this.steps[index + 1]?.name ?? DONE;
    await advanceSaga(tx, saga.id, { step: next, state: next === DONE ? "completed" : "running", undo, history: entry(step.name, "completed", saga.attempts + 1) });
    if (next === DONE) ctx.logger.info({ userId: saga.userId, sagaId: saga.id }, "user-removal saga completed");
    return { more: next !== DONE, afterCommit: () => step.afterCommit?.(ctx, saga, undo) };
  }

  /** Counts the failed attempt; returns what to do once it is committed (schedule the retry). */
  private async recordFailure(tx: Queryable, saga: UserRemovalSaga, err: unknown): Promise<(() => void) | undefined> {
    const { ctx } = this.options;
    const attempts = saga.attempts + 1;
    const error = err instanceof Error ? err.message : String(err);
    const compensating = saga.state === "compensating";
    const givingUp = attempts >= this.maxAttempts;
    const state = !givingUp ? saga.state : !compensating && saga.undo.length > 0 ? "compensating" : "failed";
    const retryInMs = givingUp ? 0 : Math.min(this.retryMs * 2 ** (attempts - 1), this.maxRetryMs);
    ctx.logger.warn({ err, userId: saga.userId, step: saga.step, attempts, state }, "user-removal saga step failed");
    await recordSagaFailure(tx, saga.id, {
      attempts: state === "compensating" && !compensating ? 0 : attempts,
      error: compensating ? `compensation failed: ${error}` : error,
      retryInMs,
      state,
      history: entry(compensating ? "compensate" : saga.step, "failed", attempts, error),
    });
    return state === "failed" ? undefined : () => this.wakeIn(retryInMs);
  }
}

function entry(step: string, outcome: SagaHistoryEntry["outcome"], attempt: number, error?: string): SagaHistoryEntry {
  return { step, outcome, attempt, ...(error === undefined ? {} : { error }), at: new Date().toISOString() };
}
