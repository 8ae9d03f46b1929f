import type { Queryable } from "@materi/platform";
import type { ApiContext } from "../context.js";
import { enqueueDocumentEvent } from "../events/documentEvents.js";
import { enqueueMembershipEvent } from "../events/membershipEvents.js";
import { markDirectoryUserDeleted } from "../store/userDirectoryStore.js";
import {
  changeMemberRole,
  deleteUserLinkGrants,
  deleteUserMemberships,
  deleteUserShares,
  oldestAdminOf,
  setWorkspaceArchived,
  soleOwnedWorkspaces,
  type SagaUndo,
  type UserRemovalSaga,
} from "../store/userRemovalStore.js";

/** What a step may use: the registry (event versions) and the permission cache. */
export type StepContext = Pick<ApiContext, "registry" | "permissions">;

/** One step of the user-removal saga: runs in its own transaction, idempotent (a retry or a resumed saga reruns it). */
export interface SagaStep {
  readonly name: string;
  /** Does the work in `tx`; returns what a compensation could undo. */
  run(ctx: StepContext, tx: Queryable, saga: UserRemovalSaga): Promise<SagaUndo[]>;
  /** After the step's transaction committed: cache invalidation and other local effects. */
  afterCommit?(ctx: StepContext, saga: UserRemovalSaga, undo: readonly SagaUndo[]): void;
}

/**
 * (a) Each workspace the user owns alone goes to its oldest admin; with no admin it is archived,
 * so it is not left without anyone able to manage it.
 */
export const handOverOwnership: SagaStep = {
  name: "hand_over_ownership",
  async run(ctx, tx, saga) {
    const undo: SagaUndo[] = [];
    for (const workspaceId of await soleOwnedWorkspaces(tx, saga.userId)) {
      const admin = await oldestAdminOf(tx, workspaceId, saga.userId);
      if (admin && (await changeMemberRole(tx, workspaceId, admin, "admin", "owner"))) {
        await enqueueMembershipEvent(ctx, tx, { workspaceId, userId: admin, actorId: saga.userId, action: "member_role_changed", role: "owner" });
        undo.push({ kind: "ownership_handed_over", workspaceId, newOwnerId: admin });
      } else if (await setWorkspaceArchived(tx, workspaceId, true)) {
        undo.push({ kind: "workspace_archived", workspaceId });
      }
    }
    return undo;
  },
  afterCommit(ctx, _saga, undo) {
    for (const entry of undo) ctx.permissions.invalidateWorkspace(entry.workspaceId);
  },
};

/**
 * (b) Every membership, share and share-link grant of the user, each with its event in the same
 * transaction: the relay closes the user's sessions from these (and from user.deleted).
 */
export const removeGrants: SagaStep = {
  name: "remove_grants",
  async run(ctx, tx, saga) {
    const { userId } = saga;
    for (const { workspaceId } of await deleteUserMemberships(tx, userId)) {
      await enqueueMembershipEvent(ctx, tx, { workspaceId, userId, actorId: userId, action: "member_removed" });
    }
    for (const share of await deleteUserShares(tx, userId)) {
      const content = { share_id: share.shareId, user_id: userId, role: share.role, reason: "user_deleted" };
      await enqueueDocumentEvent(ctx, tx, { documentId: share.documentId, workspaceId: share.workspaceId, userId, action: "unshared", content });
    }
    for (const grant of await deleteUserLinkGrants(tx, userId)) {
      const content = { link_id: grant.linkId, user_id: userId, role: grant.role, reason: "user_deleted" };
      await enqueueDocumentEvent(ctx, tx, { documentId: grant.documentId, workspaceId: grant.workspaceId, userId, action: "unshared", content });
    }
    // Nothing to compensate: the step is one transaction, and grants of a deleted user are never restored.
    return [];
  },
  afterCommit(ctx, saga) {
    ctx.permissions.invalidateUser(saga.userId);
  },
};

/** (c) The directory marks the user deleted (email lookups stop finding them); cached roles are dropped. */
export const markUserDeleted: SagaStep = {
  name: "mark_user_deleted",
  async run(_ctx, tx, saga) {
    await markDirectoryUserDeleted(tx, saga.userId, saga.email);
    return [];
  },
  afterCommit(ctx, saga) {
    ctx.permissions.invalidateUser(saga.userId);
  },
};

/** The saga's steps, in order. */
export const USER_REMOVAL_STEPS: readonly SagaStep[] = [handOverOwnership, removeGrants, markUserDeleted];

/**
 * Puts back what step (a) changed, newest first, with events for role changes. Used when a later
 * step gave up: the deleted user's memberships are then still there (step (b) is atomic), so the
 * workspace returns to its state before the saga instead of being left archived or with a second
 * owner nobody chose, and an operator's retry redoes the whole saga.
 */
export async function compensate(ctx: StepContext, tx: Queryable, saga: UserRemovalSaga): Promise<void> {
  for (const entry of [...saga.undo].reverse()) {
    if (entry.kind === "workspace_archived") {
      await setWorkspaceArchived(tx, entry.workspaceId, false);
    } else if (await changeMemberRole(tx, entry.workspaceId, entry.newOwnerId, "owner", "admin")) {
      await enqueueMembershipEvent(ctx, tx, {
        workspaceId: entry.workspaceId,
        userId: entry.newOwnerId,
        actorId: saga.userId,
        action: "member_role_changed",
        role: "admin",
      });
    }
  }
}
