/** What the bench reads from a server process it started: its node flags, memory after a full GC, resident memory. */
import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { ROOT, cpuProfileFlags } from "../services.js";

/**
 * Node flags of every server under test (the relay too): `gc()` exposed and run on SIGUSR2
 * (gcOnSignal.mjs), so resident memory is read after a full collection in all three alike; with
 * BENCH_PROFILE=1, a CPU profile per server (services.ts cpuProfileFlags).
 */
export function serverNodeFlags(label: string): string[] {
  return ["--expose-gc", "--import", `${ROOT}bench/lib/relay/gcOnSignal.mjs`, ...cpuProfileFlags(label)];
}

/** A server's memory right after a full GC, in bytes (process.memoryUsage()). */
export interface MemoryAfterGc {
  rss: number;
  heapUsed: number;
  /** C++ objects bound to JS, ArrayBuffers included. */
  external: number;
}

/** Asks a server started with serverNodeFlags for a full GC and returns its memory after it; null if it does not answer. */
export async function collectGarbage(pid: number | undefined): Promise<MemoryAfterGc | null> {
  if (pid === undefined) return null;
  const file = `${tmpdir()}/materi-bench-memory-${pid}.json`;
  await rm(file, { force: true });
  process.kill(pid, "SIGUSR2");
  for (let waited = 0; waited < 5_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = await readFile(file, "utf8").catch(() => null);
    if (text === null) continue;
    await rm(file, { force: true });
    return JSON.parse(text) as MemoryAfterGc;
  }
  return null;
}

/** Resident set size of a process in bytes, from /proc (Linux); null elsewhere. */
export function processRssBytes(pid: number | undefined): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmRSS:"));
    return line ? Number(line.replace(/\D+/g, "")) * 1024 : null;
  } catch {
    // Not Linux, or the process is gone: the figure is simply not reported.
    return null;
  }
}
