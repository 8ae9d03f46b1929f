import { SERVICE_KEY_HEADER } from "../http/serviceKey.js";
import { createBreaker } from "./createBreaker.js";
import { createHttpClient } from "./createHttpClient.js";
import { HttpError } from "./errors.js";
import { BREAKER_SETTINGS, type BreakerSettings } from "./settings.js";

export interface ServiceClientOptions {
  /** The called service, e.g. "shield" or "api": span attribute and breaker name. */
  service: string;
  /** Its base URL, e.g. "http://127.0.0.1:8083". */
  baseUrl: string;
  /** The caller's service keys; the first is sent as X-Service-Key (none sent when empty). */
  serviceKeys: readonly string[];
  /** Per-request limit, in ms. Default 2000. */
  timeoutMs?: number;
  /** Breaker figures. Default `BREAKER_SETTINGS.shield` (5 failures in 10 s, 30 s recovery). */
  breaker?: BreakerSettings;
}

export interface ServiceGet {
  /** Path below the base URL, without query, e.g. "/internal/user/42". */
  path: string;
  /** Query parameters, encoded for you. */
  query?: Record<string, string>;
  /** The span's endpoint template, e.g. "/internal/user/:id". */
  template?: string;
}

/** One Materi service calling another's /internal/* JSON endpoints. */
export interface ServiceClient {
  /**
   * GET a JSON resource; null when the service answers 404. Rejects with HttpError for any other
   * status >= 400, BreakerOpenError while the breaker is open, or the transport error. Never retried.
   */
  getJson<T>(req: ServiceGet): Promise<T | null>;
  /** Waits for requests in flight, then closes the pooled connections. */
  close(): Promise<void>;
}

/**
 * Service-to-service calls sit inside a user's request (a lookup, a permission check), so they
 * fail fast instead of following the retry table's minutes-long budgets: one attempt, a short
 * timeout, behind a breaker so an unreachable service is not waited on by every request; callers
 * fall back (a cache, "unknown") on the error.
 */
export function createServiceClient(opts: ServiceClientOptions): ServiceClient {
  const key = opts.serviceKeys[0];
  const headers: Record<string, string> = key ? { [SERVICE_KEY_HEADER]: key } : {};
  const http = createHttpClient({
    service: opts.service,
    baseUrl: opts.baseUrl,
    breaker: createBreaker({ name: opts.service, settings: opts.breaker ?? BREAKER_SETTINGS.shield }),
    retry: false,
    timeoutMs: opts.timeoutMs ?? 2_000,
    headers: () => headers,
  });
  return {
    async getJson<T>(req: ServiceGet): Promise<T | null> {
      const query = req.query ? `?${new URLSearchParams(req.query)}` : "";
      try {
        const { body } = await http.request<T>({ method: "GET", path: req.path + query, ...(req.template ? { template: req.template } : {}) });
        return body;
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) return null;
        throw err;
      }
    },
    close: () => http.close(),
  };
}
