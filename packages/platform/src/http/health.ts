import type { FastifyInstance } from "fastify";
import { platformProblem } from "../http-errors/platformProblem.js";

/** A dependency /readyz checks, e.g. the database or the event transport. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check(): Promise<void>;
}

/** How long one readiness check may take, in ms, before it counts as down. */
const CHECK_TIMEOUT_MS = 2_000;

/** `/healthz`: the process is alive. `/readyz`: its database and event transport answer. */
export function installHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get("/healthz", { logLevel: "warn" }, async () => ({ status: "ok" }));
  app.get("/readyz", { logLevel: "warn" }, async () => {
    const results = await Promise.all(checks.map(runCheck));
    const report = Object.fromEntries(results.map((r) => [r.name, r.error ? `down: ${r.error}` : "ok"]));
    const failed = results.filter((r) => r.error).map((r) => r.name);
    if (failed.length > 0) {
      throw platformProblem("PLATFORM_ERR_NOT_READY", `Not ready: ${failed.join(", ")} unreachable.`, {
        extensions: { checks: report },
      });
    }
    return { status: "ready", checks: report };
  });
}

async function runCheck(check: ReadinessCheck): Promise<{ name: string; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { name: check.name };
  } catch (err) {
    return { name: check.name, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
