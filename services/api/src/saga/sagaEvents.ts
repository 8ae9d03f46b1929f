import { create, type JsonObject } from "@bufbuild/protobuf";
import { DocumentEventSchema, MembershipEventSchema } from "@materi/contracts";
import { enqueueEvent } from "@materi/events";
import type { Queryable } from "@materi/platform";
import type { ApiContext } from "../context.js";

type Registry = Pick<ApiContext, "registry">;

/**
 * A membership change made by the saga, through the api's outbox in the step's transaction
 * (issue 6, "Consistency"). The actor is the leaving user: the change happens on their behalf.
 */
export async function enqueueSagaMembershipEvent(
  ctx: Registry,
  tx: Queryable,
  event: { workspaceId: string; userId: string; actorId: string; action: "member_removed" | "member_role_changed"; role: string },
): Promise<void> {
  await enqueueEvent(tx, {
    schema: "api",
    aggregateId: event.workspaceId,
    eventType: `workspace.${event.action}`,
    payload: create(MembershipEventSchema, { ...event }),
    ...(ctx.registry ? { registry: ctx.registry } : {}),
  });
}

/** A share (or share-link grant) the saga removed, as `document.unshared`. */
export async function enqueueSagaUnshared(
  ctx: Registry,
  tx: Queryable,
  event: { documentId: string; workspaceId: string; userId: string; content: JsonObject },
): Promise<void> {
  await enqueueEvent(tx, {
    schema: "api",
    aggregateId: event.documentId,
    eventType: "document.unshared",
    payload: create(DocumentEventSchema, {
      documentId: event.documentId,
      workspaceId: event.workspaceId,
      userId: event.userId,
      action: "unshared",
      content: event.content,
    }),
    ...(ctx.registry ? { registry: ctx.registry } : {}),
  });
}
