import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import pg from "pg";
import { spawnRelay, type RelayProcess } from "../../../test/e2e/relay/relayStack.js";
import { admin, databaseUrl } from "../adminDatabase.js";
import type { BenchChild } from "../gatewayProcesses.js";
import { ROOT, buildServices, postJson, startService } from "../services.js";
import { serverNodeFlags } from "./serverProbes.js";
import type { ClientSpec } from "./protocol.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PASSWORD = "bench password that is long";

/** The Materi side of the relay bench: Shield, the api and the relay, each its own process, on a fresh database. */
export interface MateriStack {
  relay: RelayProcess;
  /** Where providers connect (the relay itself, not through the gateway, like the comparisons). */
  wsUrl: string;
  /** Editor `slot` of document `document`, with that editor's access token. */
  clients: ClientSpec[];
  documentIds: string[];
  /** Rows of the docstore update log for the bench's documents. */
  logRows(): Promise<number>;
  /**
   * One one-row commit on the bench's database (a WAL flush, as every append needs), its latency in
   * ms: the floor under a durable acknowledgement on this machine at that moment.
   */
  commitLatency(): Promise<number>;
  stop(): Promise<void>;
}

export interface MateriStackOptions {
  documents: number;
  editorsPerDocument: number;
}

/** `tsc -b` of the three services, so the bench measures the current source (before any run, so a failure shows early). */
export function buildMateriServices(): void {
  buildServices("services/shield", "services/api", "services/relay");
}

/**
 * Starts the stack (built by buildMateriServices), then the fixture through the api so every
 * permission check passes for real: an owner creates a workspace and `documents` empty
 * documents, and `editorsPerDocument` users join the workspace as editors; editor i of every
 * document uses user i's token.
 */
export async function startMateriStack(options: MateriStackOptions): Promise<MateriStack> {
  const dbName = `materi_bench_relay_${randomBytes(4).toString("hex")}`;
  const dataDir = `/tmp/${dbName}`;
  const serviceKey = randomBytes(24).toString("hex");
  await admin(`create database "${dbName}"`);
  const children: BenchChild[] = [];
  let relay: RelayProcess | undefined;
  const database = new pg.Pool({ connectionString: databaseUrl(dbName), max: 1 });
  const stop = async () => {
    await relay?.stop();
    // The relay runs at LOG_LEVEL warn: what it said first explains a bad run (the rest is often its echo).
    const said = relay?.output().trim().split("\n").filter((line) => line !== "" && !line.includes(" listening on ")) ?? [];
    for (const line of said.slice(0, 5)) process.stderr.write(`[relay] ${line.slice(0, 400)}\n`);
    if (said.length > 5) process.stderr.write(`[relay] ... ${said.length - 5} more lines\n`);
    for (const child of children.reverse()) await child.stop();
    await database.end();
    await admin(`drop database if exists "${dbName}" with (force)`);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const common = { PATH: process.env.PATH, PORT: "0", LOG_LEVEL: "warn", DATABASE_URL: databaseUrl(dbName), REDIS_URL, SERVICE_KEYS: serviceKey, MATERI_DATA_DIR: dataDir };
    const shield = await startService("shield", [`${ROOT}services/shield/dist/main.js`], { ...common, SHIELD_CONSUMER_GROUP: `bench-${dbName}`, SHIELD_REDIS_PREFIX: `bench:${dbName}` });
    children.push(shield.child);
    const api = await startService("api", [`${ROOT}services/api/dist/main.js`], { ...common, SHIELD_URL: shield.url, API_CONSUMER_GROUP: `bench-${dbName}` });
    children.push(api.child);
    const relayEnv = {
      LOG_LEVEL: "warn",
      DATABASE_URL: databaseUrl(dbName),
      REDIS_URL,
      SERVICE_KEYS: serviceKey,
      SHIELD_URL: shield.url,
      API_URL: api.url,
      MATERI_DATA_DIR: dataDir,
      RELAY_REDIS_PREFIX: `bench:${dbName}:relay`,
      RELAY_INSTANCE_ID: `bench-${dbName}`,
    };
    relay = await spawnRelay(relayEnv, { nodeArgs: serverNodeFlags("relay") });
    const { documentIds, tokens } = await fixture(shield.url, api.url, options);
    const clients = documentIds.flatMap((document) => tokens.map((token) => ({ document, token })));
    const probes = await databaseProbes(database, documentIds);
    return { relay, wsUrl: relay.wsUrl, clients, documentIds, ...probes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What the bench reads from the stack's database: the bench documents' log rows, and a commit's latency. */
async function databaseProbes(database: pg.Pool, documentIds: string[]): Promise<Pick<MateriStack, "logRows" | "commitLatency">> {
  await database.query("create table bench_commit_probe (at double precision not null)");
  return {
    async logRows() {
      const result = await database.query<{ rows: string }>("select count(*) as rows from docstore.updates where document_id = any($1::uuid[])", [documentIds]);
      return Number(result.rows[0]!.rows);
    },
    async commitLatency() {
      const started = performance.now();
      await database.query("insert into bench_commit_probe values ($1)", [started]);
      return performance.now() - started;
    },
  };
}

async function fixture(shield: string, api: string, options: MateriStackOptions): Promise<{ documentIds: string[]; tokens: string[] }> {
  const run = randomBytes(4).toString("hex");
  const owner = await user(shield, `bench-relay-${run}-owner@example.test`);
  const workspace = (await postJson(`${api}/api/v1/workspaces`, { name: "Relay bench" }, owner)) as { id: string };
  const tokens: string[] = [];
  for (let i = 0; i < options.editorsPerDocument; i++) {
    const email = `bench-relay-${run}-editor${i}@example.test`;
    const token = await user(shield, email);
    await postJson(`${api}/api/v1/workspaces/${workspace.id}/members`, { email, role: "editor" }, owner);
    tokens.push(token);
  }
  const documentIds: string[] = [];
  for (let i = 0; i < options.documents; i++) {
    const doc = (await postJson(`${api}/api/v1/documents`, { workspace_id: workspace.id, title: `Relay bench ${i}` }, owner)) as { id: string };
    documentIds.push(doc.id);
  }
  return { documentIds, tokens };
}

/** Signs a user up at Shield and returns an access token. */
async function user(shield: string, email: string): Promise<string> {
  await postJson(`${shield}/api/v1/users`, { email, password: PASSWORD, name: email.split("@")[0] });
  const grant = (await postJson(`${shield}/api/v1/auth/token`, { grant_type: "password", username: email, password: PASSWORD })) as { access_token: string };
  return grant.access_token;
}
