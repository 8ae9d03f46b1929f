import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildMessage, ClientKind, ClientSpec, ParentMessage, TypingReport } from "./protocol.js";

const CLIENT_SCRIPT = fileURLToPath(new URL("./clientProcess.ts", import.meta.url));

/** When and how fast the clients type. */
export interface TypingPlan {
  /** Epoch ms of the first keystroke. */
  startAt: number;
  /** Epoch ms after which no keystroke is typed. */
  endAt: number;
  intervalMs: number;
  /** How long after the last keystroke the processes wait for arrivals and acknowledgements. */
  drainMs: number;
}

/**
 * The client processes of one server's run. The clients are dealt round-robin, so each document's
 * editors sit in different processes and an arrival is timed by another process than its send.
 */
export class ClientFleet {
  private closed = false;

  private constructor(private readonly children: ChildProcess[]) {}

  static start(processes: number): ClientFleet {
    const children = Array.from({ length: processes }, () => {
      const child = fork(CLIENT_SCRIPT, [], { execArgv: ["--import", "tsx"], serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
      // If the bench dies half-way, its clients must not outlive it.
      const kill = () => child.kill("SIGKILL");
      process.once("exit", kill);
      child.once("exit", () => process.removeListener("exit", kill));
      return child;
    });
    return new ClientFleet(children);
  }

  /** Connects every client; resolves when all are synced with their paragraph in place. */
  async connect(client: ClientKind, url: string, specs: ClientSpec[]): Promise<void> {
    await Promise.all(
      this.children.map((child, i) => {
        const clients = specs.filter((_, n) => n % this.children.length === i);
        return this.ask(child, { kind: "connect", client, url, clients }, "connected");
      }),
    );
  }

  async type(plan: TypingPlan): Promise<TypingReport[]> {
    const answers = await Promise.all(this.children.map((child) => this.ask(child, { kind: "type", ...plan }, "typed")));
    return answers.map((answer) => (answer as Extract<ChildMessage, { kind: "typed" }>).report);
  }

  /** Closes every client and ends the processes. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.children.map(async (child) => {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        await this.ask(child, { kind: "close" }, "closed").catch(() => child.kill("SIGKILL"));
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }),
    );
  }

  private ask(child: ChildProcess, message: ParentMessage, expected: ChildMessage["kind"]): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error(`client process exited with ${child.exitCode}`));
      const onMessage = (answer: ChildMessage) => {
        if (answer.kind === "failed") done(new Error(`client process: ${answer.error}`));
        else if (answer.kind === expected) done(null, answer);
      };
      const onExit = (code: number | null) => done(new Error(`client process exited with ${code}`));
      const done = (err: Error | null, answer?: ChildMessage) => {
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (err) reject(err);
        else resolve(answer!);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
      child.send(message);
    });
  }
}
