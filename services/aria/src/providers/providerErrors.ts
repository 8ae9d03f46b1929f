import { HttpError } from "@materi/platform";

/** The parts of an SDK APIError (openai and @anthropic-ai/sdk share the shape) that we read. */
interface SdkApiError {
  status: number | undefined;
  headers: Headers | undefined;
  error: unknown;
  message: string;
}

/**
 * The SDK's error in the platform's terms: an answer with a status becomes an HttpError carrying
 * the provider's headers (Retry-After), so `classifyFailure`, `withRetry` and the breaker treat a
 * provider like any upstream. A timeout becomes a TimeoutError (retried as a network timeout);
 * connection errors keep their cause chain (ECONNREFUSED...), which classifyFailure walks.
 */
export function toProviderError(err: unknown, provider: string, timeoutErrorClass: abstract new (...args: never[]) => Error): unknown {
  if (err instanceof timeoutErrorClass) return new DOMException(`${provider} did not answer in time`, "TimeoutError");
  if (!isSdkApiError(err) || err.status === undefined) return err;
  const headers: Record<string, string> = {};
  err.headers?.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return new HttpError(err.status, headers, err.error, `${provider} answered ${err.status}: ${err.message}`);
}

function isSdkApiError(err: unknown): err is SdkApiError {
  return err instanceof Error && "status" in err && "headers" in err && "error" in err;
}

/** A short reason for logs, events and the 503's detail. */
export function describeFailure(err: unknown): string {
  if (err instanceof HttpError) return `answered ${err.status}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
