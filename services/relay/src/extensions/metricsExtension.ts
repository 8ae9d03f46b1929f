import type { Extension } from "@hocuspocus/server";
import type { RelayMetrics } from "../metrics/relayMetrics.js";

/** Loaded-document gauge from hocuspocus' own count (connection and update series live with their extensions). */
export function metricsExtension(metrics: RelayMetrics): Extension {
  return {
    extensionName: "materi-metrics",
    priority: 100,
    async afterLoadDocument({ instance }) {
      metrics.documentsLoaded.set(instance.getDocumentsCount());
    },
    async afterUnloadDocument({ instance }) {
      metrics.documentsLoaded.set(instance.getDocumentsCount());
    },
  };
}
