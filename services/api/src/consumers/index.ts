import type { EventBus, Subscription } from "@materi/events";
import type { ApiContext } from "../context.js";

/**
 * Every subscription the api runs, started after the app is built and stopped before it closes.
 * Each consumer lives in its own file (STYLE.md §6) and adds one line here.
 */
export function startApiConsumers(bus: EventBus, ctx: ApiContext): Subscription[] {
  const group = ctx.config.API_CONSUMER_GROUP;
  void bus;
  void group;
  const subscriptions: Subscription[] = [];
  // consumers: user directory + invitations (users stream)
  // consumers: permission-cache invalidation (documents stream)
  // consumers: user-removal saga (users stream)
  // consumers: activity read model (collaboration, ai and documents streams)
  return subscriptions;
}
