import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { ContextDemand, isAsyncContextOnDemand } from "./onDemandContext.js";

export { setAsyncContextOnDemand, isAsyncContextOnDemand } from "./onDemandContext.js";

/** What travels with one unit of work (an HTTP request, an event being handled). */
export interface RequestContext {
  /** Ties together the logs, events and outbound calls of one user action. */
  correlationId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();
// In on-demand mode (onDemandContext.ts) the storage is disabled again once no run is in flight.
const demand = new ContextDemand(() => storage.disable());

/** Runs `fn` with `ctx` as the current request context (until it settles, when `fn` returns a promise). */
export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  if (!isAsyncContextOnDemand()) return storage.run(ctx, fn);
  return demand.track(() => storage.run(ctx, fn));
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The current correlation id, or a fresh one when no request is in flight. */
export function currentCorrelationId(): string {
  return storage.getStore()?.correlationId ?? randomUUID();
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's id only when it is short and printable, so logs cannot be forged or flooded. */
export function acceptCorrelationId(candidate: unknown): string {
  return typeof candidate === "string" && CORRELATION_ID.test(candidate) ? candidate : randomUUID();
}
