import { ConfigError } from "@materi/platform";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "./config.js";

describe("loadGatewayConfig", () => {
  it("has working defaults", () => {
    const config = loadGatewayConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      SHIELD_URL: "http://127.0.0.1:8000",
      JWKS_URL: "http://127.0.0.1:8000/.well-known/jwks.json",
      JWT_ISSUER: "materi",
      JWT_AUDIENCE: "materi",
      RATE_LIMIT_REQUESTS: 600,
      RATE_LIMIT_WINDOW_S: 60,
      TRUST_PROXY: { cloudflare: false, cidrs: [] },
      CORS_ORIGINS: [],
      BODY_LIMIT_BYTES: 1_048_576,
    });
    expect(config.METRICS_ALLOW).toContain("10.0.0.0/8");
    expect(config.CANVAS_DIR).toMatch(/(apps\/canvas\/dist|services\/gateway\/placeholder)$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("derives the JWKS URL from SHIELD_URL unless set", () => {
    expect(loadGatewayConfig({ SHIELD_URL: "http://shield:8000/" }).JWKS_URL).toBe("http://shield:8000/.well-known/jwks.json");
    expect(loadGatewayConfig({ JWKS_URL: "https://keys.example.com/jwks" }).JWKS_URL).toBe("https://keys.example.com/jwks");
  });

  it("parses TRUST_PROXY", () => {
    expect(loadGatewayConfig({ TRUST_PROXY: "none" }).TRUST_PROXY).toEqual({ cloudflare: false, cidrs: [] });
    expect(loadGatewayConfig({ TRUST_PROXY: "cloudflare" }).TRUST_PROXY).toEqual({ cloudflare: true, cidrs: [] });
    expect(loadGatewayConfig({ TRUST_PROXY: "cloudflare, 10.0.0.0/8" }).TRUST_PROXY).toEqual({ cloudflare: true, cidrs: ["10.0.0.0/8"] });
    expect(loadGatewayConfig({ TRUST_PROXY: "10.0.0.0/8,::1" }).TRUST_PROXY).toEqual({ cloudflare: false, cidrs: ["10.0.0.0/8", "::1"] });
  });

  it.each([
    ["TRUST_PROXY", "everyone"],
    ["CORS_ORIGINS", "*"],
    ["CORS_ORIGINS", "https://app.example.com/path"],
    ["METRICS_ALLOW", "10.0.0.0/40"],
    ["RATE_LIMIT_REQUESTS", "0"],
    ["API_URL", "ftp://api"],
  ])("refuses %s=%s with a one-line error naming the variable", (name, value) => {
    expect(() => loadGatewayConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ [name]: value })).toThrow(name);
  });
});
