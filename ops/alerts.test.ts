import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const RULES = fileURLToPath(new URL("./alerts.yml", import.meta.url));
const RULE_TESTS = fileURLToPath(new URL("./alerts.test.yml", import.meta.url));
const INSTALL_HINT = "promtool is not installed: run `apt-get install -y prometheus` (Debian ships promtool in it)";

interface Outcome {
  code: number;
  output: string;
}

// Fails rather than skips without promtool: a skipped check would let a broken alert land silently.
async function promtool(args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run("promtool", args, { timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { code?: unknown; stdout?: string; stderr?: string };
    if (failure.code === "ENOENT") throw new Error(INSTALL_HINT);
    const code = typeof failure.code === "number" ? failure.code : 1;
    return { code, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}${failure.message}` };
  }
}

describe("ops/alerts.yml", () => {
  it("is valid Prometheus rule syntax", async () => {
    const result = await promtool(["check", "rules", RULES]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("SUCCESS");
  });

  it("fires and stays quiet as ops/alerts.test.yml expects", async () => {
    const result = await promtool(["test", "rules", RULE_TESTS]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("SUCCESS");
  });

  it("alerts on every spec metric", async () => {
    const rules = await readFile(RULES, "utf8");
    for (const metric of [
      "integration_request_duration_seconds_bucket",
      "integration_request_total",
      "integration_errors_total",
      "event_processing_duration_seconds_bucket",
      "event_queue_depth",
      "circuit_breaker_state",
    ]) {
      expect(rules).toContain(metric);
    }
  });
});
