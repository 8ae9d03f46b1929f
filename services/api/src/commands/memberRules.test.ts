import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "@materi/contracts";
import { checkGrant, checkOwnerRemains } from "./memberRules.js";

const allowed = (actor: Role, currentRole: Role | null, newRole: Role | null): boolean => {
  try {
    checkGrant(actor, { currentRole, newRole });
    return true;
  } catch {
    return false;
  }
};

describe("checkGrant", () => {
  it("lets only admin and above manage members", () => {
    expect(ROLES.filter((actor) => allowed(actor, null, "viewer"))).toEqual(["owner", "admin"]);
  });

  it("never grants above the granter's role, and only an owner grants owner", () => {
    expect(ROLES.filter((role) => allowed("admin", null, role))).toEqual(["admin", "editor", "commenter", "viewer"]);
    expect(ROLES.filter((role) => allowed("owner", null, role))).toEqual([...ROLES]);
  });

  it("keeps an admin's hands off owners, both changing and removing them", () => {
    expect(allowed("admin", "owner", "viewer")).toBe(false);
    expect(allowed("admin", "owner", null)).toBe(false);
    expect(allowed("admin", "admin", null)).toBe(true);
    expect(allowed("owner", "owner", "admin")).toBe(true);
  });

  it("answers 403 problems", () => {
    expect(() => checkGrant("editor", { currentRole: null, newRole: "viewer" })).toThrow(expect.objectContaining({ code: "API_ERR_FORBIDDEN" }));
  });
});

describe("checkOwnerRemains", () => {
  it("refuses to demote or remove the last owner with 409", () => {
    expect(() => checkOwnerRemains({ currentRole: "owner", newRole: "admin", owners: 1 })).toThrow(expect.objectContaining({ code: "API_ERR_CONFLICT" }));
    expect(() => checkOwnerRemains({ currentRole: "owner", newRole: null, owners: 1 })).toThrow(expect.objectContaining({ code: "API_ERR_CONFLICT" }));
  });

  it("allows it when another owner remains, and any change of a non-owner", () => {
    expect(() => checkOwnerRemains({ currentRole: "owner", newRole: null, owners: 2 })).not.toThrow();
    expect(() => checkOwnerRemains({ currentRole: "admin", newRole: null, owners: 1 })).not.toThrow();
    expect(() => checkOwnerRemains({ currentRole: "owner", newRole: "owner", owners: 1 })).not.toThrow();
  });
});
