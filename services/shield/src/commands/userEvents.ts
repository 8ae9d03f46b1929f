import { create } from "@bufbuild/protobuf";
import { UserEventSchema } from "@materi/contracts";
import { enqueueEvent } from "@materi/events";
import type { Queryable } from "@materi/platform";
import type { ShieldContext } from "../context.js";

type UserAction = "created" | "updated" | "deleted";

/**
 * Writes a UserEvent to Shield's outbox in the caller's transaction, so the event commits with
 * the change. `changes` holds changed public fields only: never a password or its hash.
 */
export async function enqueueUserEvent(
  ctx: Pick<ShieldContext, "registry">,
  tx: Queryable,
  event: { userId: string; email: string; action: UserAction; changes?: Record<string, string> },
): Promise<void> {
  const payload = create(UserEventSchema, { userId: event.userId, email: event.email, action: event.action });
  if (event.changes) payload.changes = event.changes;
  await enqueueEvent(tx, {
    schema: "shield",
    aggregateId: event.userId,
    eventType: `user.${event.action}`,
    payload,
    ...(ctx.registry ? { registry: ctx.registry } : {}),
  });
}
