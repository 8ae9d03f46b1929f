import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { loadGatewayConfig, startGateway } from "@materi/gateway";
import type { RunningService } from "@materi/platform";
import WebSocket from "ws";
import * as Y from "yjs";
import { SERVICE_KEY, startApiStack, type ApiStack } from "../api/stack.js";

// Shared by the relay's functional tests and bench/relay.ts. Keep these signatures stable.

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The built relay entry point (`npm run build` or `npx tsc -b services/relay` first). */
export const RELAY_MAIN = path.join(REPO_ROOT, "services/relay/dist/main.js");
const START_TIMEOUT_MS = 20_000;

export { SERVICE_KEY };

/** One relay child process (`node services/relay/dist/main.js`). */
export interface RelayProcess {
  /** http://127.0.0.1:<port> (healthz, readyz, metrics, /internal/*). */
  readonly url: string;
  /** ws://127.0.0.1:<port>/collab: where providers connect directly. */
  readonly wsUrl: string;
  readonly pid: number;
  /** RELAY_INSTANCE_ID it was started with. */
  readonly instanceId: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGKILL: no shutdown at all, as a crash. Resolves once it has exited. */
  kill(): Promise<void>;
  /** SIGTERM (graceful drain); SIGKILL after 10 s. Resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
  /** GET `path` on the relay with the service key. */
  internal(pathAndQuery: string): Promise<Response>;
}

export interface SpawnRelayOptions {
  /** Extra `node` flags, e.g. ["--expose-gc"]. Default none. */
  nodeArgs?: string[];
}

/**
 * Starts the relay as a child process with `env` (merged over a quiet base: HOST 127.0.0.1, PORT 0,
 * LOG_LEVEL silent) and resolves once its /readyz answers 200. The caller passes DATABASE_URL,
 * REDIS_URL, SERVICE_KEYS, SHIELD_URL and API_URL (startRelayStack's `relayEnv` has them all).
 */
export async function spawnRelay(env: Record<string, string>, options: SpawnRelayOptions = {}): Promise<RelayProcess> {
  const instanceId = env["RELAY_INSTANCE_ID"] ?? `relay-test-${randomBytes(3).toString("hex")}`;
  const childEnv: Record<string, string> = {
    PATH: process.env["PATH"] ?? "",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    RELAY_INSTANCE_ID: instanceId,
    ...env,
  };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), RELAY_MAIN], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const url = await listeningUrl(child, () => output, exited);
  const port = new URL(url).port;
  const relay: RelayProcess = {
    url,
    wsUrl: `ws://127.0.0.1:${port}/collab`,
    pid: child.pid ?? 0,
    instanceId,
    child,
    output: () => output,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.kill("SIGTERM");
        await exited;
        clearTimeout(force);
      }
      await exited;
    },
    internal: (p) => fetch(`${url}${p}`, { headers: { "x-service-key": childEnv["SERVICE_KEYS"]?.split(",")[0] ?? "" } }),
  };
  await untilReady(relay);
  return relay;
}

async function listeningUrl(child: ChildProcess, output: () => string, exited: Promise<number | string>): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let done: number | string | undefined;
  void exited.then((code) => (done = code));
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/[^\s]+)/.exec(output());
    if (match?.[1]) return match[1];
    if (done !== undefined) throw new Error(`relay exited (${done}) before listening:\n${output()}`);
    await sleep(25);
  }
  child.kill("SIGKILL");
  throw new Error(`relay did not start within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

async function untilReady(relay: RelayProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const ok = await fetch(`${relay.url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(50);
  }
  await relay.kill();
  throw new Error(`relay at ${relay.url} not ready within ${START_TIMEOUT_MS} ms:\n${relay.output()}`);
}

export interface RelayStack extends ApiStack {
  /** The relays started with the stack (`relays` of the options), in order. */
  relays: RelayProcess[];
  /** The environment every relay of this stack gets (DATABASE_URL, REDIS_URL, SHIELD_URL, API_URL, ...). */
  relayEnv: Record<string, string>;
  /** A gateway whose RELAY_URL is the first relay: ws://<collabGateway>/collab tunnels to it. */
  collabGateway: RunningService;
  /** Starts one more relay with `relayEnv` plus `env`; it is stopped by close(). */
  addRelay(env?: Record<string, string>, options?: SpawnRelayOptions): Promise<RelayProcess>;
  close(): Promise<void>;
}

export interface RelayStackOptions {
  /** How many relay processes to start. Default 1. */
  relays?: number;
  /** Extra environment for every relay. */
  relayEnv?: Record<string, string>;
  /** Extra environment for the api (startApiStack). */
  apiEnv?: Record<string, string>;
}

/**
 * Shield + api + gateway (startApiStack, fresh database, real Redis) plus `relays` relay child
 * processes on the same database and Redis, each with its own Redis key prefix per stack, plus a
 * gateway tunnelling /collab to the first relay. Close it in the teardown.
 */
export async function startRelayStack(options: RelayStackOptions = {}): Promise<RelayStack> {
  const stack = await startApiStack(options.apiEnv ?? {});
  const tag = randomBytes(4).toString("hex");
  const relayEnv: Record<string, string> = {
    DATABASE_URL: stack.database.url,
    REDIS_URL: stack.redisUrl,
    SERVICE_KEYS: SERVICE_KEY,
    SHIELD_URL: stack.shield.url,
    API_URL: stack.api.url,
    RELAY_REDIS_PREFIX: `test:relay:${tag}`,
    ...options.relayEnv,
  };
  const relays: RelayProcess[] = [];
  const extra: RunningService[] = [];
  const addRelay = async (env: Record<string, string> = {}, spawnOptions: SpawnRelayOptions = {}): Promise<RelayProcess> => {
    const relay = await spawnRelay({ ...relayEnv, ...env }, spawnOptions);
    relays.push(relay);
    return relay;
  };
  try {
    for (let i = 0; i < (options.relays ?? 1); i += 1) await addRelay();
    const collabGateway = await startGateway(
      loadGatewayConfig({
        HOST: "127.0.0.1",
        PORT: "0",
        LOG_LEVEL: "silent",
        SHIELD_URL: stack.shield.url,
        API_URL: stack.api.url,
        ARIA_URL: "http://127.0.0.1:1",
        RELAY_URL: relays[0]?.url ?? "http://127.0.0.1:1",
        RATE_LIMIT_REQUESTS: "1000000",
        JWKS_COOLDOWN_MS: "0",
        SERVICE_KEYS: SERVICE_KEY,
      }),
    );
    extra.push(collabGateway);
    return {
      ...stack,
      relays,
      relayEnv,
      collabGateway,
      addRelay,
      close: async () => {
        await Promise.all(relays.map((r) => r.stop()));
        for (const service of extra) await service.stop();
        await stack.close();
      },
    };
  } catch (err) {
    await Promise.all(relays.map((r) => r.kill()));
    for (const service of extra) await service.stop();
    await stack.close();
    throw err;
  }
}

/** A real @hocuspocus/provider client on its own socket, in this process. */
export interface ProviderClient {
  provider: HocuspocusProvider;
  socket: HocuspocusProviderWebsocket;
  doc: Y.Doc;
  /** Whether the server said "authenticated", and with which scope ("read-write" | "readonly"). */
  scope(): string | undefined;
  /** Every authenticationFailed reason heard so far. */
  failures: string[];
  /** Close events of the socket heard so far (code, reason, when: epoch ms). */
  closes: { code: number; reason: string; at: number }[];
  /** Resolves once `provider.unsyncedChanges` is 0 (every local update acknowledged); rejects after `timeoutMs`. */
  acknowledged(timeoutMs?: number): Promise<void>;
  /** Detaches and destroys the provider and its socket. */
  close(): void;
}

export interface ConnectProviderOptions {
  /** ws://host:port/collab (a relay's wsUrl, or the gateway's /collab). */
  url: string;
  documentId: string;
  token: string;
  /** Existing Y.Doc to sync. Default a new one. */
  doc?: Y.Doc;
  /**
   * Resolve once "synced" (default), once "authenticated"/"authenticationFailed" is heard ("auth"),
   * or at once ("none").
   */
  waitFor?: "synced" | "auth" | "none";
  /** How long to wait, ms. Default 10000. */
  timeoutMs?: number;
  /** Reconnect after a close (the provider's default). Default true. */
  reconnect?: boolean;
}

/**
 * `ws` as the provider's WebSocket. The provider drops its own handlers before closing a socket, and
 * closing one still connecting makes `ws` emit an 'error' nobody hears, which Node throws as an
 * uncaught exception (seen when a test closes a client that is reconnecting). Errors still reach the
 * provider's handlers while they are set.
 */
class ProviderWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on("error", () => undefined);
  }
}

/**
 * Opens an unmodified @hocuspocus/provider (HocuspocusProviderWebsocket with `ws` as the
 * WebSocket, then `attach()`), waiting as `waitFor` says.
 */
export async function connectProvider(options: ConnectProviderOptions): Promise<ProviderClient> {
  const doc = options.doc ?? new Y.Doc();
  const socket = new HocuspocusProviderWebsocket({
    url: options.url,
    WebSocketPolyfill: ProviderWebSocket as unknown as typeof globalThis.WebSocket,
    minDelay: 100,
    maxDelay: 1_000,
    delay: 100,
    ...(options.reconnect === false ? { maxAttempts: 1 } : {}),
  });
  const failures: string[] = [];
  const closes: { code: number; reason: string; at: number }[] = [];
  let scope: string | undefined;
  const provider = new HocuspocusProvider({
    name: options.documentId,
    document: doc,
    token: options.token,
    websocketProvider: socket,
    onAuthenticated: ({ scope: s }) => (scope = s),
    onAuthenticationFailed: ({ reason }) => failures.push(reason),
  });
  socket.on("close", ({ event }: { event: { code: number; reason: string } }) => closes.push({ code: event.code, reason: String(event.reason ?? ""), at: Date.now() }));
  if (options.reconnect === false) socket.on("close", () => socket.disconnect());
  provider.attach();
  const client: ProviderClient = {
    provider,
    socket,
    doc,
    scope: () => scope,
    failures,
    closes,
    acknowledged: (timeoutMs = 10_000) => whenAcknowledged(provider, timeoutMs),
    close: () => {
      provider.destroy();
      socket.destroy();
    },
  };
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    if (options.waitFor === "none") return client;
    if (options.waitFor === "auth") {
      await until(() => scope !== undefined || failures.length > 0, timeoutMs, () => "no authenticated/authenticationFailed");
    } else {
      await until(() => provider.synced, timeoutMs, () => `not synced (failures: ${failures.join("; ")}, closes: ${JSON.stringify(closes)})`);
    }
  } catch (err) {
    client.close();
    throw err;
  }
  return client;
}

/** Resolves as soon as the provider reports `unsyncedChanges` 0 (event-driven, for latency measurements). */
function whenAcknowledged(provider: HocuspocusProvider, timeoutMs: number): Promise<void> {
  if (provider.unsyncedChanges === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onChange = ({ number }: { number: number }): void => {
      if (number !== 0) return;
      clearTimeout(timer);
      provider.off("unsyncedChanges", onChange);
      resolve();
    };
    const timer = setTimeout(() => {
      provider.off("unsyncedChanges", onChange);
      reject(new Error(`timed out after ${timeoutMs} ms: unsyncedChanges still ${provider.unsyncedChanges}`));
    }, timeoutMs);
    provider.on("unsyncedChanges", onChange);
  });
}

/** Polls `check` every 10 ms until true; rejects after `timeoutMs` with `describe()`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, describe: () => string = () => "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await sleep(10);
  }
}

/** The text of the client's `Y.Text("t")` (what the tests type into). */
export function textOf(doc: Y.Doc, name = "t"): string {
  return doc.getText(name).toString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
