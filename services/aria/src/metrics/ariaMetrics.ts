import { LATENCY_BUCKETS, type Metrics } from "@materi/platform";
import { Counter, Histogram } from "prom-client";

/** How one provider call ended, the `outcome` label. */
export type CallOutcome = "success" | "error" | "breaker_open" | "aborted";

/** Aria's own series, next to the platform's in the same registry (GET /metrics). */
export interface AriaMetrics {
  /** Seconds of one provider call (retries included), by provider, model and outcome. */
  readonly providerDuration: Histogram<"provider" | "model" | "outcome">;
  /** Seconds to a stream's first token, by provider and model: the spec's 5 s SLA. */
  readonly firstToken: Histogram<"provider" | "model">;
  /** Tokens used, by provider, model and kind (input or output). */
  readonly tokens: Counter<"provider" | "model" | "kind">;
  readonly platform: Metrics;
}

export function createAriaMetrics(metrics: Metrics): AriaMetrics {
  const { registry } = metrics;
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  return {
    platform: metrics,
    providerDuration:
      existing<Histogram<"provider" | "model" | "outcome">>("ai_provider_request_duration_seconds") ??
      new Histogram({
        name: "ai_provider_request_duration_seconds",
        help: "AI provider call latency (retries included) by provider, model and outcome",
        labelNames: ["provider", "model", "outcome"],
        buckets: [...LATENCY_BUCKETS, 30, 60],
        registers: [registry],
      }),
    firstToken:
      existing<Histogram<"provider" | "model">>("ai_first_token_seconds") ??
      new Histogram({
        name: "ai_first_token_seconds",
        help: "Time to the first streamed token by provider and model",
        labelNames: ["provider", "model"],
        buckets: [...LATENCY_BUCKETS],
        registers: [registry],
      }),
    tokens:
      existing<Counter<"provider" | "model" | "kind">>("ai_tokens_total") ??
      new Counter({ name: "ai_tokens_total", help: "Tokens used by provider, model and kind (input, output)", labelNames: ["provider", "model", "kind"], registers: [registry] }),
  };
}
