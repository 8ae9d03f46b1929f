import { isProblemError } from "@materi/platform";
import { describe, expect, it } from "vitest";
import { parseRevokeRequest, parseTokenRequest } from "./schema.js";

function oauthErrorOf(fn: () => unknown): { status: number; error: unknown } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!isProblemError(err)) throw err;
    return { status: err.status, error: err.extensions["error"] };
  }
}

describe("token request parsing (RFC 6749 §5.2 errors)", () => {
  it("accepts the password and refresh_token grants", () => {
    expect(parseTokenRequest({ grant_type: "password", username: "a@b.c", password: "p" })).toEqual({ grant_type: "password", username: "a@b.c", password: "p" });
    expect(parseTokenRequest({ grant_type: "refresh_token", refresh_token: "r" })).toEqual({ grant_type: "refresh_token", refresh_token: "r" });
  });

  it("names the RFC error code", () => {
    expect(oauthErrorOf(() => parseTokenRequest(undefined))).toEqual({ status: 400, error: "invalid_request" });
    expect(oauthErrorOf(() => parseTokenRequest({ grant_type: "password", username: "a@b.c" }))).toEqual({ status: 400, error: "invalid_request" });
    expect(oauthErrorOf(() => parseTokenRequest({ grant_type: "client_credentials" }))).toEqual({ status: 400, error: "unsupported_grant_type" });
    expect(oauthErrorOf(() => parseTokenRequest({ grant_type: ["password"] }))).toEqual({ status: 400, error: "invalid_request" });
    expect(oauthErrorOf(() => parseRevokeRequest({}))).toEqual({ status: 400, error: "invalid_request" });
  });
});
