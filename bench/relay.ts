/**
 * Relay benchmark (issue 7): `npx tsx bench/relay.ts` (about 2.5 minutes). Needs the real
 * PostgreSQL and Redis (DATABASE_ADMIN_URL / REDIS_URL override the local defaults).
 *
 * The same workload, one server after the other in one run:
 *   1. the y-websocket server (@y/websocket-server 0.1.1's own server.js, yjs 13), own process;
 *   2. bare @hocuspocus/server (defaults, no extensions: no auth, no persistence), own process;
 *   3. the Materi relay (built services/relay/dist/main.js) with Shield and the api, each its own
 *      process, on a fresh database of the real PostgreSQL and the real Redis. The fixture is made
 *      through the api: a workspace, the documents, one user per editor slot as workspace editor,
 *      so each connection is a real JWT verified against Shield's JWKS and a real permission check.
 * Workload: DOCUMENTS documents x EDITORS editors, each editor its own WebSocket typing one character
 * into its own paragraph of XmlFragment("default") RATE times a second (a random phase each, on
 * absolute times), spread round-robin over CLIENT_PROCESSES processes (one Node process of clients
 * saturates near 200). Clients: unmodified @hocuspocus/provider for Hocuspocus and the relay; the
 * y-websocket protocol (y-protocols sync + awareness over `ws`, as y-websocket's provider speaks it,
 * no BroadcastChannel) for y-websocket. All documents start empty.
 * Warm-up WARMUP_S, then keystrokes typed during MEASURE_S are measured, then 2 s of drain.
 *
 * Figures per server:
 *   - keystroke -> arrival: from just before the local insert to the moment the other editors' docs
 *     integrate it, for each of the other editors (a keystroke is its Yjs item id; one clock for
 *     every process on the machine: performance.timeOrigin + performance.now());
 *   - keystroke -> acknowledgement: until the provider's `unsyncedChanges` count drops for it (the
 *     server's SyncStatus); y-websocket has none;
 *   - memory per open document: server RSS with every client still connected minus its RSS before
 *     any client connected, over the documents (each with its connections). Every server runs with
 *     `--expose-gc` and gcOnSignal.mjs, so both readings follow a full GC (the target's figure);
 *     printed too: the raw RSS at the end of the window (garbage included) and V8 heap used +
 *     external after GC (what the documents and connections retain in JS, the steadiest figure);
 *   - server CPU during the window; deliveries vs expected; for Materi, docstore log rows of the
 *     bench's documents vs every update the clients sent, and the relay's own received -> durable
 *     histogram (relay_append_duration_seconds from its /metrics) over the window, which tells the
 *     append apart from the time an update queues behind its connection's earlier ones, its
 *     event-loop lag p99 over the window (a busy process vs a slow database); and one-row
 *     commits on the same PostgreSQL, 5 a second through the window: the floor under a durable
 *     acknowledgement on this machine during the run (other work's WAL flushes show up there).
 * Prints a table, ratios over bare Hocuspocus of the same run, the targets with PASS/FAIL (arrival
 * p99 <= max(1.5 x bare, bare + 5 ms), ack p99 <= 25 ms, log rows == updates sent, memory per doc
 * <= bare, every keystroke delivered), then one JSON line.
 *
 * Environment (defaults in brackets): RELAY_BENCH_DOCUMENTS [20], RELAY_BENCH_EDITORS [10],
 * RELAY_BENCH_RATE [5] keystrokes/s per editor, RELAY_BENCH_WARMUP_S [5], RELAY_BENCH_MEASURE_S [20],
 * RELAY_BENCH_CLIENT_PROCESSES [3], RELAY_BENCH_SERVERS [y-websocket,bare-hocuspocus,materi-relay]
 * (which to run, in that order).
 * BENCH_PROFILE=1 writes a CPU profile of each server to $TMPDIR/materi-bench-profiles/.
 * The machine's load average is printed per run: the bench itself adds about 3 (2 cores); more means
 * other work shared the CPU and the latencies are noisy (compare ratios within one run).
 */
import { loadavg } from "node:os";
import { scrapeRelay } from "./lib/relay/relayScrape.js";
import { ClientFleet } from "./lib/relay/clientFleet.js";
import { startBareHocuspocus, startYWebsocketServer } from "./lib/relay/comparisonServers.js";
import { now } from "./lib/relay/keystrokeLog.js";
import { buildMateriServices, startMateriStack } from "./lib/relay/materiStack.js";
import type { ClientKind, ClientSpec } from "./lib/relay/protocol.js";
import { BARE, MATERI, Y_WEBSOCKET, checkTargets, formatRatios, formatTable } from "./lib/relay/relayReport.js";
import { figuresOf, type ServerFigures, type ServerRun } from "./lib/relay/runFigures.js";
import { collectGarbage, processRssBytes } from "./lib/relay/serverProbes.js";
import { processCpuMs } from "./lib/gatewayProcesses.js";

const env = (name: string, fallback: number) => Number(process.env[`RELAY_BENCH_${name}`] ?? fallback);
const DOCUMENTS = env("DOCUMENTS", 20);
const EDITORS = env("EDITORS", 10);
const RATE = env("RATE", 5);
const WARMUP_S = env("WARMUP_S", 5);
const MEASURE_S = env("MEASURE_S", 20);
const CLIENT_PROCESSES = env("CLIENT_PROCESSES", 3);
const DRAIN_MS = 2_000;
const COMMIT_PROBE_INTERVAL_MS = 200;
// Bare Hocuspocus runs right before the relay, so the two compared by the targets see the most similar machine.
const SERVERS = (process.env.RELAY_BENCH_SERVERS ?? `${Y_WEBSOCKET},${BARE},${MATERI}`).split(",");

/** A server under test, started: where clients connect, its pid, and what to do after the clients leave. */
interface Target {
  client: ClientKind;
  url: string;
  pid: number | undefined;
  clients: ClientSpec[];
  logRows?: () => Promise<number>;
  commitLatency?: () => Promise<number>;
  /** The relay's base URL, for its /metrics. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  process.stdout.write(`relay bench: ${DOCUMENTS} documents x ${EDITORS} editors x ${RATE} keystrokes/s, ${CLIENT_PROCESSES} client processes, warm-up ${WARMUP_S} s, measure ${MEASURE_S} s\n`);
  if (SERVERS.includes(MATERI)) buildMateriServices();
  const figures: ServerFigures[] = [];
  for (const server of SERVERS) {
    const target = await start(server);
    try {
      const result = figuresOf(await measure(server, target));
      process.stdout.write(`${JSON.stringify(result)}\n`);
      figures.push(result);
    } finally {
      await target.stop();
    }
  }
  printSummary(figures);
}

async function start(server: string): Promise<Target> {
  const anonymous = () => Array.from({ length: DOCUMENTS * EDITORS }, (_, i) => ({ document: `bench-doc-${Math.floor(i / EDITORS)}`, token: null }));
  if (server === BARE || server === Y_WEBSOCKET) {
    const { child, url } = server === BARE ? await startBareHocuspocus() : await startYWebsocketServer();
    return { client: server === BARE ? "hocuspocus" : "y-websocket", url, pid: child.process.pid, clients: anonymous(), stop: () => child.stop() };
  }
  if (server === MATERI) {
    const stack = await startMateriStack({ documents: DOCUMENTS, editorsPerDocument: EDITORS });
    return { client: "hocuspocus", url: stack.wsUrl, pid: stack.relay.pid, clients: stack.clients, logRows: stack.logRows, commitLatency: stack.commitLatency, metricsUrl: stack.relay.url, stop: stack.stop };
  }
  throw new Error(`unknown server ${server} in RELAY_BENCH_SERVERS (${BARE}, ${Y_WEBSOCKET}, ${MATERI})`);
}

/** Connects the clients, types, and samples the server's RSS and CPU at the edges of the window. */
async function measure(server: string, target: Target): Promise<ServerRun> {
  await sleep(1_000);
  const rssBeforeBytes = processRssBytes(target.pid);
  const gcBefore = await collectGarbage(target.pid);
  const logRowsBefore = await target.logRows?.();
  const fleet = ClientFleet.start(CLIENT_PROCESSES);
  try {
    await fleet.connect(target.client, target.url, target.clients);
    const startAt = now() + 500;
    const window = { from: startAt + WARMUP_S * 1000, to: startAt + (WARMUP_S + MEASURE_S) * 1000 };
    const edges = sampleWindowEdges(target, window);
    const commitLatencies = target.commitLatency ? probeCommits(target.commitLatency, window) : Promise.resolve(undefined);
    const reports = await fleet.type({ startAt, endAt: window.to, intervalMs: 1000 / RATE, drainMs: DRAIN_MS });
    // Typing is over, every client still connected: the documents are open.
    const gcOpen = await collectGarbage(target.pid);
    await fleet.close();
    const run: ServerRun = {
      server,
      reports,
      window,
      receiversPerKeystroke: EDITORS - 1,
      documents: DOCUMENTS,
      rssBeforeBytes,
      gcBefore,
      gcOpen,
      ...(await edges),
      commitLatencies: await commitLatencies,
    };
    if (target.logRows && logRowsBefore !== undefined) run.logRows = { before: logRowsBefore, after: await target.logRows() };
    return run;
  } finally {
    await fleet.close();
  }
}

/** The server's CPU over the window, its RSS and the machine's load at the end, and for the relay its /metrics at both edges. */
async function sampleWindowEdges(target: Target, window: { from: number; to: number }): Promise<Pick<ServerRun, "cpuMs" | "rssEndBytes" | "loadAverage" | "relayMetrics">> {
  const cpu = processCpuMs(target.pid);
  const scrape = () => (target.metricsUrl ? scrapeRelay(target.metricsUrl) : Promise.resolve(null));
  await sleep(window.from - now());
  const cpuAtFrom = cpu();
  const metricsFrom = scrape();
  await sleep(window.to - now());
  const metricsTo = scrape();
  const cpuAtTo = cpu();
  const edges = {
    cpuMs: cpuAtFrom === null || cpuAtTo === null ? null : cpuAtTo - cpuAtFrom,
    rssEndBytes: processRssBytes(target.pid),
    loadAverage: loadavg()[0]!,
  };
  return target.metricsUrl ? { ...edges, relayMetrics: { from: await metricsFrom, to: await metricsTo } } : edges;
}

/** One-row commits on the relay's PostgreSQL through the window, one per COMMIT_PROBE_INTERVAL_MS. */
async function probeCommits(commitLatency: () => Promise<number>, window: { from: number; to: number }): Promise<number[]> {
  const latencies: number[] = [];
  await sleep(window.from - now());
  while (now() < window.to) {
    latencies.push(await commitLatency());
    await sleep(COMMIT_PROBE_INTERVAL_MS);
  }
  return latencies;
}

function printSummary(figures: ServerFigures[]): void {
  const checks = checkTargets(figures);
  const pass = checks.length > 0 && checks.every((c) => c.pass);
  const lines = [
    "",
    formatTable(figures),
    "",
    formatRatios(figures),
    "",
    ...(checks.length > 0 ? checks.map((c) => `${c.pass ? "PASS" : "FAIL"}  ${c.target}: ${c.measured}`) : ["targets: need both materi-relay and bare-hocuspocus in the run"]),
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  process.stdout.write(`${JSON.stringify({ summary: checks.length === 0 ? "INCOMPLETE" : pass ? "PASS" : "FAIL", targets: checks })}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

await main();
