import type { EventBus, Subscription } from "@materi/events";
import type { ApiContext } from "../context.js";
import { ActivityConsumer } from "./ActivityConsumer.js";
import { PermissionInvalidationConsumer } from "./PermissionInvalidationConsumer.js";
import { UserDirectoryConsumer } from "./UserDirectoryConsumer.js";
import { UserRemovalConsumer } from "./UserRemovalConsumer.js";

/**
 * Every subscription the api runs, started after the app is built and stopped before it closes.
 * Each consumer lives in its own file (STYLE.md §6) and adds one line here.
 */
export function startApiConsumers(bus: EventBus, ctx: ApiContext): Subscription[] {
  const group = ctx.config.API_CONSUMER_GROUP;
  const subscriptions: Subscription[] = [];
  // consumers: user directory + invitations (users stream)
  subscriptions.push(UserDirectoryConsumer.start(bus, ctx, group));
  // consumers: permission-cache invalidation (documents stream)
  subscriptions.push(PermissionInvalidationConsumer.start({ transport: bus.transport, permissions: ctx.permissions, logger: ctx.logger, ...(ctx.registry ? { decoders: ctx.registry } : {}) }));
  // consumers: user-removal saga (users stream)
  subscriptions.push(UserRemovalConsumer.start(bus, ctx));
  // consumers: activity read model (collaboration, ai and documents streams)
  subscriptions.push(ActivityConsumer.start(bus, ctx));
  return subscriptions;
}
