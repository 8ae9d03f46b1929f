import { readFileSync } from "node:fs";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** A child process started for a benchmark, and the line it printed when ready. */
export interface BenchChild {
  process: ChildProcess;
  readyLine: string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Node arguments: flags, then the script. */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Matches the stdout line that says the child is serving. */
  ready: RegExp;
  /** How long to wait for that line, in ms. Default 20000. */
  timeoutMs?: number;
  label: string;
}

/** Starts `node <args>` and resolves once it prints a line matching `ready`; its stderr is passed through. */
export function spawnNode(options: SpawnOptions): Promise<BenchChild> {
  const child = spawn(process.execPath, options.args, { env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  // If the benchmark dies half-way, its children must not outlive it holding ports and CPU.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[${options.label}] ${chunk.toString()}`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${options.label} did not start within ${options.timeoutMs ?? 20_000} ms`)), options.timeoutMs ?? 20_000);
    const lines = createInterface({ input: child.stdout! });
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    child.once("exit", (code) => fail(new Error(`${options.label} exited with ${code} before it was ready`)));
    lines.on("line", (line) => {
      if (!options.ready.test(line)) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ process: child, readyLine: line, stop: () => stopChild(child) });
    });
  });
}

/** SIGTERM (the services drain and exit), SIGKILL after 5 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** User + system CPU time of a process in ms, from /proc (Linux); null elsewhere. */
export function processCpuMs(pid: number | undefined): () => number | null {
  const ticksMs = 10; // USER_HZ is 100 on Linux.
  return () => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return (Number(fields[11]) + Number(fields[12])) * ticksMs;
    } catch {
      // Not Linux, or the process is gone: the figure is simply not reported.
      return null;
    }
  };
}
