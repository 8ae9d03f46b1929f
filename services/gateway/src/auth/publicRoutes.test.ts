import { describe, expect, it } from "vitest";
import { isPublicRoute, pathOf } from "./publicRoutes.js";

describe("isPublicRoute", () => {
  it.each([
    ["POST", "/api/v1/users"],
    ["POST", "/api/v1/auth/token"],
    ["POST", "/api/v1/auth/revoke"],
    ["POST", "/api/v1/auth/password-reset"],
    ["POST", "/api/v1/auth/password-reset/confirm"],
    ["GET", "/.well-known/jwks.json"],
    ["GET", "/api/v1/openapi.json"],
    ["GET", "/"],
    ["GET", "/assets/app-1234.js"],
    ["GET", "/collab"],
    ["GET", "/healthz"],
    ["GET", "/readyz"],
    ["GET", "/metrics"],
  ])("%s %s needs no token", (method, path) => {
    expect(isPublicRoute(method, path)).toBe(true);
  });

  it.each([
    ["GET", "/api/v1/users"],
    ["GET", "/api/v1/users/me"],
    ["POST", "/api/v1/auth/tokens-of-others"],
    ["GET", "/api/v1/documents"],
    ["POST", "/api/v1/workspaces"],
    ["POST", "/api/v1/ai/generate"],
    ["GET", "/api/v2/anything"],
    ["GET", "/api"],
  ])("%s %s needs a token", (method, path) => {
    expect(isPublicRoute(method, path)).toBe(false);
  });
});

describe("pathOf", () => {
  it("drops the query and one trailing slash", () => {
    expect(pathOf("/api/v1/users/?x=1")).toBe("/api/v1/users");
    expect(pathOf("/")).toBe("/");
  });
});
