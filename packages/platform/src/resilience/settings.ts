// The two tables of the integration spec's "Error Handling" section
// (/work/shared/spec/integration-architecture.md), transcribed as data so the
// tests can prove the figures and callers never hard-code their own.

/** The upstreams that get their own breaker figures. */
export type BreakerTarget = "shield" | "ai-provider" | "database" | "external-api";

/** How one circuit breaker trips and recovers. */
export interface BreakerSettings {
  /** Failures inside `windowMs` that open the breaker (count, no default). */
  failureThreshold: number;
  /** Length of the sliding failure window, in milliseconds (no default). */
  windowMs: number;
  /** Time the breaker stays open before it lets probes through, in milliseconds (no default). */
  recoveryMs: number;
  /** Probe calls admitted while half-open; all must succeed to close (count, no default). */
  halfOpenRequests: number;
}

/** Spec table "Circuit Breaker Configuration". */
export const BREAKER_SETTINGS: Record<BreakerTarget, BreakerSettings> = {
  shield: { failureThreshold: 5, windowMs: 10_000, recoveryMs: 30_000, halfOpenRequests: 3 },
  "ai-provider": { failureThreshold: 3, windowMs: 30_000, recoveryMs: 60_000, halfOpenRequests: 2 },
  database: { failureThreshold: 2, windowMs: 5_000, recoveryMs: 15_000, halfOpenRequests: 1 },
  "external-api": { failureThreshold: 3, windowMs: 60_000, recoveryMs: 120_000, halfOpenRequests: 2 },
};

/** The failure scenarios of the retry table; see `classifyFailure`. */
export type RetryKind = "network-timeout" | "service-unavailable" | "rate-limited" | "validation" | "authentication";

/** How one kind of failure is retried. */
export interface RetryPolicy {
  /** Retries after the first attempt (count). */
  maxRetries: number;
  /**
   * Wait before retry n is `delaysMs[n - 1]`, in milliseconds; `"retry-after"`
   * means the upstream's `Retry-After` header decides.
   */
  delaysMs: number[] | "retry-after";
  /**
   * Budget for the whole call, in milliseconds from the first attempt: a retry
   * whose wait would end past it is not made and the last error surfaces.
   */
  totalTimeoutMs: number;
}

/** Spec table "Retry Policies". */
export const RETRY_POLICIES: Record<RetryKind, RetryPolicy> = {
  "network-timeout": { maxRetries: 3, delaysMs: [1_000, 2_000, 4_000], totalTimeoutMs: 30_000 },
  "service-unavailable": { maxRetries: 5, delaysMs: [2_000, 4_000, 8_000, 16_000, 32_000], totalTimeoutMs: 120_000 },
  "rate-limited": { maxRetries: 3, delaysMs: "retry-after", totalTimeoutMs: 300_000 },
  // The spec says N/A: a request the upstream rejected as invalid fails the same way every time.
  validation: { maxRetries: 0, delaysMs: [], totalTimeoutMs: 0 },
  // One immediate retry after `refreshAuth()`; the spec gives it 10 s.
  authentication: { maxRetries: 1, delaysMs: [0], totalTimeoutMs: 10_000 },
};

// Frozen in place (not via Object.freeze's return type) so the exported types stay
// the plain ones callers expect, while no caller can quietly change the spec's figures.
for (const settings of Object.values(BREAKER_SETTINGS)) Object.freeze(settings);
for (const policy of Object.values(RETRY_POLICIES)) {
  if (Array.isArray(policy.delaysMs)) Object.freeze(policy.delaysMs);
  Object.freeze(policy);
}
Object.freeze(BREAKER_SETTINGS);
Object.freeze(RETRY_POLICIES);
