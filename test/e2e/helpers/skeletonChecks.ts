import { expect } from "vitest";
import type { Launched } from "./launch.js";

export const BACKENDS = ["shield", "api", "relay", "aria"] as const;

export async function expectProblem(res: Response, status: number): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).toBe(status);
  expect(typeof body.code).toBe("string");
  return body;
}

/** What the walking skeleton promises on any configuration (embedded or real services). */
export async function expectSkeletonWorks(launched: Launched): Promise<void> {
  const gateway = launched.urls.gateway!;
  expect((await fetch(`${gateway}/healthz`)).status).toBe(200);
  for (const name of [...BACKENDS, "gateway"]) {
    const res = await fetch(`${launched.urls[name]}/readyz`);
    expect(res.status, `${name} /readyz`).toBe(200);
    const body = (await res.json()) as { checks: Record<string, string> };
    expect(body.checks.events, `${name} events check`).toBe("ok");
    if (name !== "gateway") expect(body.checks.database, `${name} database check`).toBe("ok");
  }
  await expectProblem(await fetch(`${gateway}/api/v1/no-such-thing`), 404);
  await expectProblem(await fetch(`${gateway}/internal/sessions`), 404);
  const unauthorized = await expectProblem(await fetch(`${gateway}/api/v1/workspaces`), 401);
  expect(unauthorized.code).toBeTruthy();
  const jwks = await fetch(`${gateway}/.well-known/jwks.json`);
  expect(jwks.status).toBe(200);
  const { keys } = (await jwks.json()) as { keys: Array<{ kid: string; alg: string; kty: string }> };
  expect(keys.length).toBeGreaterThan(0);
  expect(keys[0]).toMatchObject({ alg: "EdDSA", kty: "OKP" });
  const metrics = await (await fetch(`${launched.urls.api}/metrics`)).text();
  expect(metrics).toContain("integration_request_total");
}

export async function firstKid(gateway: string): Promise<string> {
  const { keys } = (await (await fetch(`${gateway}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  return keys[0]!.kid;
}
