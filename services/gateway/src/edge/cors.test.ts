import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../test-support/startTestGateway.js";

describe("CORS", () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ CORS_ORIGINS: "https://app.example.com, https://admin.example.com", RATE_LIMIT_REQUESTS: "1" });
  });
  afterAll(() => gateway.close());

  const preflight = (origin: string) =>
    fetch(`${gateway.url}/api/v1/documents`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });

  it("answers a preflight from an allowed origin without a token or a rate-limit point", async () => {
    for (let i = 0; i < 3; i++) {
      const response = await preflight("https://app.example.com");
      expect(response.status).toBe(204);
      expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
      expect(response.headers.get("access-control-allow-credentials")).toBe("true");
      expect(response.headers.get("access-control-allow-methods")).toContain("POST");
      expect(response.headers.get("access-control-allow-headers")).toContain("authorization");
    }
  });

  it("gives an unknown origin no CORS grant", async () => {
    const response = await preflight("https://evil.example.com");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("exposes rate-limit and request-id headers to scripts on real requests", async () => {
    const response = await fetch(`${gateway.url}/api/v1/documents`, { headers: { origin: "https://admin.example.com" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://admin.example.com");
    const exposed = response.headers.get("access-control-expose-headers") ?? "";
    for (const name of ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "ETag", "x-request-id"]) {
      expect(exposed).toContain(name);
    }
  });
});

describe("without CORS_ORIGINS", () => {
  it("grants no cross-origin access (same-origin only)", async () => {
    const gateway = await startTestGateway();
    try {
      const response = await fetch(`${gateway.url}/`, { headers: { origin: "https://app.example.com" } });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await gateway.close();
    }
  });
});
