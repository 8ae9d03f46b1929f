import type { Metrics } from "@materi/platform";
import { Counter, Gauge, Histogram } from "prom-client";

/** The relay's own series, in the platform registry (served on GET /metrics). */
export interface RelayMetrics {
  connections: Gauge;
  documentsLoaded: Gauge;
  /** Accepted updates (durable and applied). */
  updatesAccepted: Counter;
  /** Edits refused on read-only (viewer, commenter) connections. */
  editsRefused: Counter;
  /** Seconds from receiving an update to it being durable (the acknowledgement waits for it). */
  appendDuration: Histogram;
  /** Resyncs from storage, by reason ("gap", "reconnect"). */
  resyncs: Counter<"reason">;
  /** Connections closed by a guard or a permission change, by reason. */
  closedConnections: Counter<"reason">;
}

const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export function createRelayMetrics(metrics: Metrics): RelayMetrics {
  const registry = metrics.registry;
  const existing = <T>(name: string): T | undefined => registry.getSingleMetric(name) as T | undefined;
  return {
    connections: existing("relay_connections") ?? new Gauge({ name: "relay_connections", help: "Open document connections", registers: [registry] }),
    documentsLoaded:
      existing("relay_documents_loaded") ?? new Gauge({ name: "relay_documents_loaded", help: "Documents held in memory", registers: [registry] }),
    updatesAccepted:
      existing("relay_updates_accepted_total") ??
      new Counter({ name: "relay_updates_accepted_total", help: "Client updates made durable and applied", registers: [registry] }),
    editsRefused:
      existing("relay_edits_refused_total") ??
      new Counter({ name: "relay_edits_refused_total", help: "Edits refused on read-only connections", registers: [registry] }),
    appendDuration:
      existing("relay_append_duration_seconds") ??
      new Histogram({ name: "relay_append_duration_seconds", help: "Update received to durable", buckets: ACK_BUCKETS, registers: [registry] }),
    resyncs:
      existing("relay_resyncs_total") ??
      new Counter({ name: "relay_resyncs_total", help: "Resyncs of a loaded document from storage", labelNames: ["reason"], registers: [registry] }),
    closedConnections:
      existing("relay_closed_connections_total") ??
      new Counter({ name: "relay_closed_connections_total", help: "Connections closed by the relay", labelNames: ["reason"], registers: [registry] }),
  };
}
