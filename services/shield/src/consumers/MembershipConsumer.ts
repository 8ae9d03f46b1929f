import type { BusEvent, EventBus, Subscription } from "@materi/events";
import type { Database, Queryable } from "@materi/platform";
import { addMember, removeMember } from "../store/membershipStore.js";

type MembershipEventType = "workspace.member_added" | "workspace.member_role_changed" | "workspace.member_removed";

/**
 * Feeds Shield's co-membership projection from the documents stream (issue 5: GET /users/{id}
 * only for users sharing a workspace). Idempotent by event_id: the write commits with the
 * processed_events row.
 */
export class MembershipConsumer {
  static readonly applicableEvents: readonly MembershipEventType[] = [
    "workspace.member_added",
    "workspace.member_role_changed",
    "workspace.member_removed",
  ];

  static start(bus: EventBus, db: Database, group = "shield"): Subscription {
    return bus.subscribe({
      group,
      streams: ["documents"],
      eventTypes: MembershipConsumer.applicableEvents,
      idempotency: { db, schema: "shield" },
      handler: (event, ctx) => MembershipConsumer.perform(event, ctx.tx),
    });
  }

  static async perform(event: BusEvent<MembershipEventType>, tx: Queryable): Promise<void> {
    const { workspaceId, userId } = event.payload;
    if (event.eventType === "workspace.member_removed") await removeMember(tx, workspaceId, userId);
    else await addMember(tx, workspaceId, userId);
  }
}
