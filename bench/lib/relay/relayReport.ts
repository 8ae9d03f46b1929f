import type { ServerFigures } from "./runFigures.js";

export const MATERI = "materi-relay";
export const BARE = "bare-hocuspocus";
export const Y_WEBSOCKET = "y-websocket";

export const TARGET_ACK_P99_MS = 25;

type Row = [label: string, value: (f: ServerFigures) => string];

const ms = (value: number | null) => (value === null ? "n/a" : value.toFixed(2));
const mb = (value: number | null) => (value === null ? "n/a" : value.toFixed(3));
const ROWS: Row[] = [
  ["keystrokes measured", (f) => String(f.keystrokes)],
  ["arrival p50 ms", (f) => ms(f.arrival_p50_ms)],
  ["arrival p99 ms", (f) => ms(f.arrival_p99_ms)],
  ["arrival max ms", (f) => ms(f.arrival_max_ms)],
  ["ack p50 ms", (f) => ms(f.ack_p50_ms)],
  ["ack p99 ms", (f) => ms(f.ack_p99_ms)],
  ["relay append p50 / p99 ms", (f) => (f.append_p50_ms === null ? "n/a" : `${f.append_p50_ms} / ${f.append_p99_ms}`)],
  ["relay event-loop lag p99 ms", (f) => ms(f.event_loop_lag_p99_ms)],
  ["PG commit p50 / p99 ms (probe)", (f) => (f.pg_commit_p50_ms === null ? "n/a" : `${ms(f.pg_commit_p50_ms)} / ${ms(f.pg_commit_p99_ms)}`)],
  ["delivered / expected", (f) => `${f.delivered} / ${f.expected_deliveries}`],
  ["memory per doc MB (after GC)", (f) => mb(f.memory_per_doc_mb)],
  ["memory per doc MB (raw RSS)", (f) => mb(f.memory_per_doc_raw_mb)],
  ["heap+external per doc MB (GC)", (f) => mb(f.heap_per_doc_mb)],
  ["server CPU % of a core", (f) => (f.server_cpu_pct === null ? "n/a" : String(f.server_cpu_pct))],
  ["updates sent (all)", (f) => String(f.updates_sent)],
  ["docstore log rows", (f) => (f.log_rows === null ? "n/a" : String(f.log_rows))],
  ["unacknowledged at end", (f) => String(f.unacknowledged)],
  ["disconnects", (f) => String(f.disconnects)],
  ["load average (1 min)", (f) => f.load_avg_1m.toFixed(2)],
];

/** The figures of every server as a table, one column per server. */
export function formatTable(figures: ServerFigures[]): string {
  const header = ["", ...figures.map((f) => f.server)];
  const body = ROWS.map(([label, value]) => [label, ...figures.map(value)]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  return [line(header), ...body.map(line)].join("\n");
}

/** Each server's latencies, memory and CPU over bare Hocuspocus's, measured in the same run. */
export function formatRatios(figures: ServerFigures[]): string {
  const bare = figures.find((f) => f.server === BARE);
  if (!bare) return "ratios: bare Hocuspocus was not run";
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? "n/a" : `${(a / b).toFixed(2)}x`);
  return figures
    .filter((f) => f !== bare)
    .map(
      (f) =>
        `${f.server} / ${BARE}: arrival p50 ${ratio(f.arrival_p50_ms, bare.arrival_p50_ms)}, arrival p99 ${ratio(f.arrival_p99_ms, bare.arrival_p99_ms)}, ` +
        `ack p50 ${ratio(f.ack_p50_ms, bare.ack_p50_ms)}, ack p99 ${ratio(f.ack_p99_ms, bare.ack_p99_ms)}, ` +
        `memory/doc ${ratio(f.memory_per_doc_mb, bare.memory_per_doc_mb)}, heap/doc ${ratio(f.heap_per_doc_mb, bare.heap_per_doc_mb)}, CPU ${ratio(f.server_cpu_pct, bare.server_cpu_pct)}`,
    )
    .join("\n");
}

export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

/** The targets for the Materi relay, against bare Hocuspocus of the same run. */
export function checkTargets(figures: ServerFigures[]): TargetCheck[] {
  const materi = figures.find((f) => f.server === MATERI);
  const bare = figures.find((f) => f.server === BARE);
  if (!materi || !bare) return [];
  const arrivalLimit = Math.max(1.5 * bare.arrival_p99_ms, bare.arrival_p99_ms + 5);
  return [
    {
      target: `arrival p99 <= max(1.5 x bare, bare + 5 ms) = ${arrivalLimit.toFixed(2)} ms`,
      measured: `${ms(materi.arrival_p99_ms)} ms`,
      pass: materi.arrival_p99_ms <= arrivalLimit,
    },
    {
      target: `ack p99 <= ${TARGET_ACK_P99_MS} ms`,
      // The commit probe is the floor: no durable acknowledgement beats the WAL flush under it.
      measured: `${ms(materi.ack_p99_ms)} ms (one-row PostgreSQL commit p99 in the window: ${ms(materi.pg_commit_p99_ms)} ms)`,
      pass: materi.ack_p99_ms !== null && materi.ack_p99_ms <= TARGET_ACK_P99_MS,
    },
    {
      target: "docstore log rows == updates sent, none unacknowledged",
      measured: `${materi.log_rows} rows, ${materi.updates_sent} sent, ${materi.unacknowledged} unacknowledged`,
      pass: materi.log_rows === materi.updates_sent && materi.unacknowledged === 0,
    },
    {
      target: `memory per doc (RSS after GC) <= bare (${mb(bare.memory_per_doc_mb)} MB)`,
      measured:
        `${mb(materi.memory_per_doc_mb)} MB (raw RSS ${mb(materi.memory_per_doc_raw_mb)} vs ${mb(bare.memory_per_doc_raw_mb)}, ` +
        `heap+external ${mb(materi.heap_per_doc_mb)} vs ${mb(bare.heap_per_doc_mb)})`,
      pass: materi.memory_per_doc_mb !== null && bare.memory_per_doc_mb !== null && materi.memory_per_doc_mb <= bare.memory_per_doc_mb,
    },
    {
      target: "every measured keystroke reached every other editor, no disconnects",
      measured: `${materi.delivered} / ${materi.expected_deliveries}, ${materi.disconnects} disconnects`,
      pass: materi.delivered === materi.expected_deliveries && materi.disconnects === 0,
    },
  ];
}
