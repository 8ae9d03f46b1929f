import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Tests that need Redis to go away start their own redis-server on a free port and stop that
// one: the machine's shared Redis (6379) is never stopped or flushed. No persistence
// (--save "" --appendonly no), so a restart comes back EMPTY, like a failover to a fresh node.

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

export interface PrivateRedis {
  /** The port it listens on, kept across restarts. */
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s); resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Stops it and removes its working directory; for afterAll. */
  dispose(): Promise<void>;
}

/** Starts a private `redis-server` on a free port; resolves once it answers PING. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "materi-redis-"));
  let child: ChildProcess | undefined;
  const handle: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child) return;
      const started = launch(port, dir);
      child = started;
      try {
        await untilAnswering(started, port);
      } catch (err) {
        child = undefined;
        await terminate(started);
        throw err;
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (running) await terminate(running);
    },
    async restart() {
      await handle.stop();
      await handle.start();
    },
    async dispose() {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

function launch(port: number, dir: string): ChildProcess {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
  return spawn("redis-server", args, { stdio: "ignore" });
}

/** Resolves once the server answers PING; rejects if it fails to spawn or exits first (port taken). */
async function untilAnswering(child: ChildProcess, port: number): Promise<void> {
  let onError: (err: Error) => void = () => undefined;
  let onExit: (code: number | null) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    onError = (err) => reject(new Error(`cannot start redis-server (apt-get install -y redis-server): ${err.message}`));
    onExit = (code) => reject(new Error(`private redis-server on ${port} exited early with code ${code}`));
    child.once("error", onError);
    child.once("exit", onExit);
  });
  try {
    const answering = waitUntil(() => pingRedis("127.0.0.1", port), START_TIMEOUT_MS, `private redis-server on ${port} did not answer`);
    await Promise.race([answering, failed]);
  } finally {
    child.off("error", onError);
    child.off("exit", onExit);
  }
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** A port the OS just handed out and released; good enough for a test server started right after. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when a RESP PING at host:port answers +PONG within `timeoutMs`. */
export function pingRedis(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("data", (data) => finish(data.toString().startsWith("+PONG")));
    socket.connect(port, host, () => socket.write("PING\r\n"));
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${message} within ${timeoutMs} ms`);
}
