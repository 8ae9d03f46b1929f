import type { BusEvent, EventBus, Subscription } from "@materi/events";
import { isUuid, PermanentError } from "@materi/events";
import type { Queryable } from "@materi/platform";
import type { ApiContext } from "../context.js";
import { UserRemovalSagaRunner } from "../saga/UserRemovalSagaRunner.js";
import { insertUserRemovalSaga } from "../store/userRemovalStore.js";

// Long enough for the handler's transaction (with its processed_events row) to have committed.
const WAKE_AFTER_COMMIT_MS = 50;

/**
 * `user.deleted` starts the user-removal saga (issue 6, "Consistency"). The handler only writes
 * the saga row, with the processed_events row, so a redelivery starts nothing twice; the runner
 * drives the steps, each in its own transaction, and resumes unfinished sagas after a restart.
 *
 * Its own consumer group (`<API_CONSUMER_GROUP>-user-removal`): the bus allows one subscription
 * per (stream, group), and the user directory already consumes the users stream in the api's group.
 */
export class UserRemovalConsumer {
  static readonly applicableEvents = ["user.deleted"] as const;

  static groupOf(ctx: Pick<ApiContext, "config">): string {
    return `${ctx.config.API_CONSUMER_GROUP}-user-removal`;
  }

  static start(bus: EventBus, ctx: ApiContext): Subscription {
    const { config } = ctx;
    const runner = new UserRemovalSagaRunner({
      ctx,
      maxAttempts: config.USER_REMOVAL_MAX_ATTEMPTS,
      retryMs: config.USER_REMOVAL_RETRY_MS,
      pollMs: config.USER_REMOVAL_POLL_MS,
    }).start();
    const subscription = bus.subscribe({
      group: UserRemovalConsumer.groupOf(ctx),
      streams: ["users"],
      eventTypes: UserRemovalConsumer.applicableEvents,
      idempotency: { db: ctx.db, schema: "api" },
      handler: async (event, handlerCtx) => {
        await UserRemovalConsumer.perform(event, handlerCtx.tx, runner.firstStep);
        runner.wakeIn(WAKE_AFTER_COMMIT_MS);
      },
    });
    return stoppingToo(subscription, () => runner.stop());
  }

  static async perform(event: BusEvent<"user.deleted">, tx: Queryable, firstStep: string): Promise<void> {
    const { userId, email } = event.payload;
    if (!isUuid(userId)) throw new PermanentError(`user.deleted names user_id "${userId}", not a UUID`);
    await insertUserRemovalSaga(tx, { userId, email, eventId: event.eventId, firstStep });
  }
}

/** The subscription, whose stop() also stops a companion worker (after the consumers, so no new work arrives). */
export function stoppingToo(subscription: Subscription, stopWorker: () => Promise<void>): Subscription {
  let stopping: Promise<void> | undefined;
  return {
    streams: subscription.streams,
    group: subscription.group,
    consumers: subscription.consumers,
    stop() {
      stopping ??= subscription.stop().then(stopWorker);
      return stopping;
    },
  };
}
