/** One finished provider call, as /internal/status summarises it. */
interface CallRecord {
  latencyMs: number;
  ok: boolean;
}

/** What GET /internal/status says about one provider's recent calls. */
export interface ProviderStatsSummary {
  /** Calls in the window (the last `size`). */
  calls: number;
  /** Share of them that failed, 0..1; null without calls. */
  error_rate: number | null;
  /** Median and 95th percentile latency of successful calls, in ms; null without any. */
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  /** The last failure's reason and time, if any. */
  last_error: { reason: string; at: string } | null;
}

/** The last `size` calls of one provider, kept in memory per replica (a ring buffer). */
export class ProviderStats {
  private readonly records: CallRecord[] = [];
  private next = 0;
  private lastError: { reason: string; at: string } | null = null;

  constructor(private readonly size = 100) {}

  record(latencyMs: number, ok: boolean, reason?: string): void {
    const entry = { latencyMs, ok };
    if (this.records.length < this.size) this.records.push(entry);
    else this.records[this.next] = entry;
    this.next = (this.next + 1) % this.size;
    if (!ok) this.lastError = { reason: reason ?? "failed", at: new Date().toISOString() };
  }

  summary(): ProviderStatsSummary {
    const calls = this.records.length;
    const latencies = this.records.filter((r) => r.ok).map((r) => r.latencyMs).sort((a, b) => a - b);
    const failures = calls - latencies.length;
    return {
      calls,
      error_rate: calls === 0 ? null : Math.round((failures / calls) * 1000) / 1000,
      latency_p50_ms: percentile(latencies, 0.5),
      latency_p95_ms: percentile(latencies, 0.95),
      last_error: this.lastError,
    };
  }
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
  return value === null ? null : Math.round(value * 10) / 10;
}
