import type { BusEvent, EventBus, Subscription } from "@materi/events";
import type { Queryable } from "@materi/platform";
import type { ApiContext } from "../context.js";
import { ActivityRollup } from "../readModels/activity/ActivityRollup.js";
import { ACTIVITY_EVENT_TYPES, recordActivity, type ActivityEventType, type ActivityInput } from "../readModels/activity/activityRecorder.js";
import { stoppingToo } from "./UserRemovalConsumer.js";

/**
 * Feeds the activity read model (issue 6: CQRS, eventual): collaboration edits, AI generations
 * and REST edits become raw rows, idempotent by event_id; the ActivityRollup batch turns them
 * into the daily aggregates every ACTIVITY_BATCH_MS. A new group starts at new entries ("$"):
 * history from before the first deployment comes in through `npm run rebuild -- read-models`.
 *
 * Its own consumer group (`<API_CONSUMER_GROUP>-activity`): the permission-cache invalidation
 * already consumes the documents stream in the api's group, and the bus allows one per (stream, group).
 */
export class ActivityConsumer {
  static readonly applicableEvents = ACTIVITY_EVENT_TYPES;

  static groupOf(ctx: Pick<ApiContext, "config">): string {
    return `${ctx.config.API_CONSUMER_GROUP}-activity`;
  }

  static start(bus: EventBus, ctx: ApiContext): Subscription {
    const rollup = new ActivityRollup({ db: ctx.db, logger: ctx.logger, intervalMs: ctx.config.ACTIVITY_BATCH_MS }).start();
    const subscription = bus.subscribe({
      group: ActivityConsumer.groupOf(ctx),
      streams: ["collaboration", "ai", "documents"],
      eventTypes: ActivityConsumer.applicableEvents,
      idempotency: { db: ctx.db, schema: "api" },
      handler: (event, handlerCtx) => ActivityConsumer.perform(event, handlerCtx.tx),
    });
    return stoppingToo(subscription, () => rollup.stop());
  }

  static async perform(event: BusEvent<ActivityEventType>, tx: Queryable): Promise<void> {
    await recordActivity(tx, event as ActivityInput);
  }
}
