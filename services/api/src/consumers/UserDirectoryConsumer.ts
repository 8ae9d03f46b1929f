import type { BusEvent, EventBus, Subscription } from "@materi/events";
import type { Queryable } from "@materi/platform";
import { invitationAccepter } from "../commands/invitationAccepter.js";
import type { ApiContext } from "../context.js";
import { lockInvitationEmail } from "../store/invitationStore.js";
import { markDirectoryUserDeleted, upsertDirectoryUser } from "../store/userDirectoryStore.js";
import { normalizeEmail } from "../users/UserDirectory.js";

type UserEventType = "user.created" | "user.updated" | "user.deleted";

/**
 * Keeps api.user_directory in step with Shield (users stream) and accepts invitations on
 * sign-up (issue 6), or when a user changes their email to an invited address. Idempotent by event_id: the directory write, the memberships and their
 * MembershipEvents commit with the processed_events row, so a redelivery changes nothing.
 * user.deleted only marks the entry deleted; the user-removal saga removes memberships.
 */
export class UserDirectoryConsumer {
  static readonly applicableEvents: readonly UserEventType[] = ["user.created", "user.updated", "user.deleted"];

  static start(bus: EventBus, ctx: ApiContext, group: string): Subscription {
    return bus.subscribe({
      group,
      streams: ["users"],
      eventTypes: UserDirectoryConsumer.applicableEvents,
      idempotency: { db: ctx.db, schema: "api" },
      handler: async (event, handlerCtx) => {
        await UserDirectoryConsumer.perform(ctx, event, handlerCtx.tx);
      },
    });
  }

  static async perform(ctx: Pick<ApiContext, "registry">, event: BusEvent<UserEventType>, tx: Queryable): Promise<void> {
    const { userId, email: rawEmail, changes } = event.payload;
    const email = normalizeEmail(rawEmail);
    if (event.eventType === "user.deleted") {
      await markDirectoryUserDeleted(tx, userId, email);
      return;
    }
    const name = typeof changes?.["name"] === "string" ? changes["name"] : undefined;
    // A new address (sign-up, or an email change) accepts the invitations waiting for it.
    const newAddress = event.eventType === "user.created" || typeof changes?.["email"] === "string";
    if (newAddress) await lockInvitationEmail(tx, email);
    await upsertDirectoryUser(tx, { userId, email, ...(name !== undefined ? { name } : {}) });
    // Memberships change here; every replica's PermissionInvalidationConsumer sees their
    // member_added events once they are dispatched, after this transaction commits.
    if (newAddress) await invitationAccepter({ ctx, tx, userId, email });
  }
}
