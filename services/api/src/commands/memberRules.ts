import { apiProblem } from "../errors.js";
import { atLeast, type Role } from "@materi/contracts";

/**
 * Who may give whom which role (issue 6): admin and above manage members; a grant never exceeds
 * the granter's own role; only an owner grants the owner role or changes/removes an owner.
 * Throws 403 API_ERR_FORBIDDEN with the broken rule; returns when the change is allowed.
 */
export function checkGrant(actorRole: Role, change: { currentRole: Role | null; newRole: Role | null }): void {
  const forbidden = (why: string) => apiProblem("API_ERR_FORBIDDEN", why);
  if (!atLeast(actorRole, "admin")) throw forbidden(`Managing members needs the admin role or higher; yours is ${actorRole}.`);
  if (change.newRole !== null && !atLeast(actorRole, change.newRole)) {
    throw forbidden(`You cannot grant ${change.newRole}: a grant never exceeds your own role (${actorRole}).`);
  }
  if (change.currentRole !== null && !atLeast(actorRole, change.currentRole)) {
    throw forbidden(`This member's role (${change.currentRole}) is above yours (${actorRole}).`);
  }
  if ((change.newRole === "owner" || change.currentRole === "owner") && actorRole !== "owner") {
    throw forbidden("Only an owner grants, changes or removes the owner role.");
  }
}

/** 409 when the change would leave the workspace without an owner. */
export function checkOwnerRemains(change: { currentRole: Role; newRole: Role | null; owners: number }): void {
  if (change.currentRole === "owner" && change.newRole !== "owner" && change.owners <= 1) {
    throw apiProblem("API_ERR_CONFLICT", "This is the workspace's last owner: make another member owner first, or delete the workspace.");
  }
}
