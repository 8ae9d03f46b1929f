import { context, propagation, trace, type Context, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { ContextDemand, isAsyncContextOnDemand } from "../context/onDemandContext.js";

export interface InitTracingOptions {
  /** Service name: the resource's `service.name` (first caller only) and this caller's tracer name. */
  service: string;
  /**
   * OTLP/HTTP collector base URL, e.g. "http://otel-collector:4318"; "/v1/traces" is appended unless
   * already there. Default: unset, so spans are created (trace ids reach the logs) but not exported.
   */
  otlpEndpoint?: string;
  /** Extra exporter, fed span by span as spans end (SimpleSpanProcessor); meant for tests and debugging. */
  exporter?: SpanExporter;
}

export interface TracingHandle {
  /** Tracer named after the caller's service. */
  tracer: Tracer;
  /** Releases this caller; the last release flushes pending spans and unregisters the globals. */
  shutdown(): Promise<void>;
}

interface Installed {
  provider: BasicTracerProvider;
  contextManager: AsyncLocalStorageContextManager;
  users: number;
}

// One provider per process. The all-in-one launcher runs five services in one process and each calls
// initTracing; the OTel globals can only be set once, so the first call wins: its service name becomes
// the resource's service.name and its exporters are the only ones. Later calls get a tracer named after
// their own service (the instrumentation scope), which is how their spans stay tellable apart.
let installed: Installed | undefined;

/** Registers tracing globally on first call; later calls share it. Never throws on repeat calls. */
export function initTracing(opts: InitTracingOptions): TracingHandle {
  installed ??= install(opts);
  installed.users += 1;
  const current = installed;
  let released = false;
  return {
    tracer: current.provider.getTracer(opts.service),
    shutdown: async () => {
      if (released) return;
      released = true;
      await release(current);
    },
  };
}

function install(opts: InitTracingOptions): Installed {
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.service })),
    spanProcessors: spanProcessors(opts),
  });
  // AsyncLocalStorage, not async_hooks: it is the manager Node 20 recommends and the cheaper one.
  const contextManager = new OnDemandContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return { provider, contextManager, users: 0 };
}

/**
 * The AsyncLocalStorage context manager, disabled between runs when the process has switched to
 * on-demand async context (context/onDemandContext.ts); exactly the library's otherwise.
 */
class OnDemandContextManager extends AsyncLocalStorageContextManager {
  private readonly demand = new ContextDemand(() => this.disable());

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (!isAsyncContextOnDemand()) return super.with(ctx, fn, thisArg, ...args);
    return this.demand.track(() => super.with(ctx, fn, thisArg, ...args));
  }
}

function spanProcessors(opts: InitTracingOptions): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (opts.otlpEndpoint !== undefined && opts.otlpEndpoint !== "") {
    // Batched so a slow collector never adds latency to a request.
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(opts.otlpEndpoint) })));
  }
  if (opts.exporter !== undefined) processors.push(new SimpleSpanProcessor(opts.exporter));
  return processors;
}

/** OTLP/HTTP serves traces at /v1/traces below the collector's base URL (OTEL_EXPORTER_OTLP_ENDPOINT semantics). */
export function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, "");
  return trimmed.endsWith("/v1/traces") ? trimmed : `${trimmed}/v1/traces`;
}

async function release(current: Installed): Promise<void> {
  current.users -= 1;
  if (current.users > 0 || installed !== current) return;
  installed = undefined;
  await current.provider.shutdown();
  // Unregistering lets a later initTracing (the next test file, a restarted in-process service) install afresh.
  trace.disable();
  propagation.disable();
  context.disable();
  current.contextManager.disable();
}
