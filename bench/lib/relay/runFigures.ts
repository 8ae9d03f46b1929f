import { latencyFigures } from "../gatewayLoad.js";
import { appendQuantile, type RelayScrape } from "./relayScrape.js";
import type { MemoryAfterGc } from "./serverProbes.js";
import type { TypingReport } from "./protocol.js";

/** What bench/relay.ts observed of one server's run. */
export interface ServerRun {
  server: string;
  reports: TypingReport[];
  /** Keystrokes typed in [from, to) (epoch ms) are measured; earlier ones were warm-up. */
  window: { from: number; to: number };
  /** Clients that should see each keystroke: the other editors of its document. */
  receiversPerKeystroke: number;
  documents: number;
  /** Server RSS before any client connected and at the end of the window, as they were (garbage included). */
  rssBeforeBytes: number | null;
  rssEndBytes: number | null;
  /** Server memory after a full GC before any client connected, and after the window with every client still connected. */
  gcBefore: MemoryAfterGc | null;
  gcOpen: MemoryAfterGc | null;
  /** Server CPU time spent during the window, ms. */
  cpuMs: number | null;
  /** The machine's 1-minute load average at the end of the window (the bench itself adds about 3 on 2 cores). */
  loadAverage: number;
  /** Materi only: one-row commit latencies on the same PostgreSQL, 5 a second through the window, ms. */
  commitLatencies?: number[];
  /** Materi only: the relay's /metrics at the edges of the window. */
  relayMetrics?: { from: RelayScrape | null; to: RelayScrape | null };
  /** Materi only: docstore log rows of the bench's documents before the clients connected and after they left. */
  logRows?: { before: number; after: number };
}

/** One server's figures: latencies in ms, memory in MB. */
export interface ServerFigures {
  server: string;
  keystrokes: number;
  arrival_p50_ms: number;
  arrival_p99_ms: number;
  arrival_max_ms: number;
  ack_p50_ms: number | null;
  ack_p99_ms: number | null;
  /** Arrivals of measured keystrokes at other clients / keystrokes x receivers. */
  delivered: number;
  expected_deliveries: number;
  /** (RSS after GC with the documents open - RSS after GC before) / documents. */
  memory_per_doc_mb: number | null;
  /** The same from RSS without GC: what the process held, garbage included. */
  memory_per_doc_raw_mb: number | null;
  /** The same from V8 heap used + external after GC: what the documents and connections retain in JS. */
  heap_per_doc_mb: number | null;
  server_cpu_pct: number | null;
  /** Every update message the clients sent (paragraphs and warm-up included). */
  updates_sent: number;
  /** Updates still unacknowledged when the clients reported. */
  unacknowledged: number;
  disconnects: number;
  /** Materi only: new docstore log rows for the bench's documents. */
  log_rows: number | null;
  /** Materi only: the relay's received -> durable time, p50 and p99 as histogram bucket bounds ("<= 5" ms). */
  append_p50_ms: string | null;
  append_p99_ms: string | null;
  /** Materi only: the relay's event-loop delay p99 over the window, ms. */
  event_loop_lag_p99_ms: number | null;
  /** Materi only: a one-row PostgreSQL commit during the window (the floor under a durable ack). */
  pg_commit_p50_ms: number | null;
  pg_commit_p99_ms: number | null;
  load_avg_1m: number;
}

export function figuresOf(run: ServerRun): ServerFigures {
  const { keystrokes, arrivals, acks } = latencySamples(run);
  const arrival = latencyFigures(arrivals);
  const ack = acks.length > 0 ? latencyFigures(acks) : null;
  const perDocument = (before: number | null | undefined, open: number | null | undefined) =>
    before == null || open == null ? null : Math.round(((open - before) / run.documents / 2 ** 20) * 1000) / 1000;
  const retained = (memory: MemoryAfterGc | null) => (memory === null ? null : memory.heapUsed + memory.external);
  const { from, to } = run.relayMetrics ?? {};
  const commit = run.commitLatencies ? latencyFigures(run.commitLatencies) : null;
  const windowS = (run.window.to - run.window.from) / 1000;
  return {
    server: run.server,
    keystrokes,
    arrival_p50_ms: arrival.p50_ms,
    arrival_p99_ms: arrival.p99_ms,
    arrival_max_ms: arrival.max_ms,
    ack_p50_ms: ack?.p50_ms ?? null,
    ack_p99_ms: ack?.p99_ms ?? null,
    delivered: arrivals.length,
    expected_deliveries: keystrokes * run.receiversPerKeystroke,
    memory_per_doc_mb: perDocument(run.gcBefore?.rss, run.gcOpen?.rss),
    memory_per_doc_raw_mb: perDocument(run.rssBeforeBytes, run.rssEndBytes),
    heap_per_doc_mb: perDocument(retained(run.gcBefore), retained(run.gcOpen)),
    server_cpu_pct: run.cpuMs === null ? null : Math.round(run.cpuMs / windowS / 10),
    updates_sent: run.reports.reduce((sum, r) => sum + r.updatesSent, 0),
    unacknowledged: run.reports.reduce((sum, r) => sum + r.unacknowledged, 0),
    disconnects: run.reports.reduce((sum, r) => sum + r.disconnects, 0),
    log_rows: run.logRows ? run.logRows.after - run.logRows.before : null,
    append_p50_ms: appendQuantile(from?.appendBuckets ?? null, to?.appendBuckets ?? null, 0.5),
    append_p99_ms: appendQuantile(from?.appendBuckets ?? null, to?.appendBuckets ?? null, 0.99),
    event_loop_lag_p99_ms: to?.eventLoopLagP99Ms ?? null,
    pg_commit_p50_ms: commit?.p50_ms ?? null,
    pg_commit_p99_ms: commit?.p99_ms ?? null,
    load_avg_1m: Math.round(run.loadAverage * 100) / 100,
  };
}

/**
 * The keystrokes typed in the window, the latency of each one's arrival at each other editor (a
 * join by keystroke key of the sends and arrivals every process reported), and of each one's
 * acknowledgement.
 */
function latencySamples(run: ServerRun): { keystrokes: number; arrivals: number[]; acks: number[] } {
  const typedAt = new Map<number, number>();
  for (const report of run.reports) {
    for (let i = 0; i < report.sends.length; i += 2) {
      const at = report.sends[i + 1]!;
      if (at >= run.window.from && at < run.window.to) typedAt.set(report.sends[i]!, at);
    }
  }
  const arrivals: number[] = [];
  const acks: number[] = [];
  for (const report of run.reports) {
    for (let i = 0; i < report.arrivals.length; i += 2) {
      const sent = typedAt.get(report.arrivals[i]!);
      if (sent !== undefined) arrivals.push(report.arrivals[i + 1]! - sent);
    }
    for (let i = 0; i < report.acks.length; i += 2) {
      const at = report.acks[i]!;
      if (at >= run.window.from && at < run.window.to) acks.push(report.acks[i + 1]!);
    }
  }
  return { keystrokes: typedAt.size, arrivals, acks };
}
