import { create } from "@bufbuild/protobuf";
import { MembershipEventSchema, type Role } from "@materi/contracts";
import { enqueueEvent } from "@materi/events";
import type { Queryable } from "@materi/platform";
import type { ApiContext } from "../context.js";

export type MembershipAction = "member_added" | "member_role_changed" | "member_removed";

export interface MembershipChange {
  workspaceId: string;
  /** The member whose access changed. */
  userId: string;
  /** Who made the change (the member themselves when leaving; the inviter for an accepted invitation). */
  actorId: string;
  action: MembershipAction;
  /** The role after the change; absent for member_removed. */
  role?: Role;
}

/**
 * Writes a MembershipEvent (`workspace.<action>`) to the api's outbox in the caller's transaction,
 * so the event commits with the membership change (issue 6, "Consistency"). Ordered per workspace.
 */
export async function enqueueMembershipEvent(ctx: Pick<ApiContext, "registry">, tx: Queryable, change: MembershipChange): Promise<void> {
  const payload = create(MembershipEventSchema, {
    workspaceId: change.workspaceId,
    userId: change.userId,
    actorId: change.actorId,
    action: change.action,
    role: change.action === "member_removed" ? "" : (change.role ?? ""),
  });
  await enqueueEvent(tx, {
    schema: "api",
    aggregateId: change.workspaceId,
    eventType: `workspace.${change.action}`,
    payload,
    ...(ctx.registry ? { registry: ctx.registry } : {}),
  });
}
