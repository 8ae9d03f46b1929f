import { BREAKER_SETTINGS, BreakerOpenError, createBreaker, HttpError, recordOutboundFailure, SpanNames, withSpan, type Breaker } from "@materi/platform";
import type { AriaMetrics, CallOutcome } from "../metrics/ariaMetrics.js";
import { describeFailure } from "../providers/providerErrors.js";
import type { AiProvider, Completion, ProviderPrompt, StreamPiece, TokenUsage } from "../providers/types.js";
import { ProviderStats } from "./ProviderStats.js";
import { retryWithinBudget } from "./retryWithinBudget.js";

/** The caller went away (client disconnected): not the provider's fault, never counted nor retried. */
export class CallerAbortedError extends Error {
  constructor(cause: unknown) {
    super("the caller cancelled the generation", { cause });
    this.name = "CallerAbortedError";
  }
}

/** A stream whose first token has arrived: the first text, then the rest as it comes. */
export interface OpenedStream {
  /** The first text piece; "" when the provider ended the answer without any. */
  first: string;
  /** The text after `first`; rejects on a failure mid-stream. */
  rest: AsyncGenerator<string, void, undefined>;
  /** Tokens as reported so far; complete once `rest` is done. */
  usage: TokenUsage;
}

export interface GuardedProviderOptions {
  metrics: AriaMetrics;
  /** Retry budget per call, in ms (AI_RETRY_BUDGET_MS). */
  retryBudgetMs: number;
  /** Longest wait for a stream's first token, per attempt, in ms (AI_TIMEOUT_MS). */
  timeoutMs: number;
  /** Hears the breaker's transitions (circuit_breaker_state, logs). */
  onBreakerState?: (target: string, state: Breaker["state"]) => void;
}

/**
 * One provider behind, outside in: retry within a budget -> `External Call` span -> breaker
 * ("ai-provider:<name>", the spec's 3 failures / 30 s, 60 s, 2 probes) -> the SDK call. A
 * stream counts as a success for the breaker once its first token arrives: that is the moment
 * aria can no longer fall back.
 */
export class GuardedProvider {
  readonly breaker: Breaker;
  readonly stats = new ProviderStats();

  constructor(
    readonly provider: AiProvider,
    private readonly opts: GuardedProviderOptions,
  ) {
    this.breaker = createBreaker({ name: `ai-provider:${provider.name}`, settings: BREAKER_SETTINGS["ai-provider"], isFailure: countsAgainstProvider });
    opts.onBreakerState?.(this.breaker.name, this.breaker.state);
    this.breaker.onStateChange((state) => opts.onBreakerState?.(this.breaker.name, state));
  }

  get name(): AiProvider["name"] {
    return this.provider.name;
  }

  get model(): string {
    return this.provider.model;
  }

  async complete(prompt: ProviderPrompt, signal: AbortSignal): Promise<Completion> {
    const startedAt = performance.now();
    try {
      const completion = await this.guarded(signal, () => this.provider.complete(prompt, signal));
      this.finish(startedAt, "success", completion.usage);
      return completion;
    } catch (err) {
      this.finish(startedAt, outcomeOf(err), undefined, err);
      throw err;
    }
  }

  async openStream(prompt: ProviderPrompt, signal: AbortSignal): Promise<OpenedStream> {
    const startedAt = performance.now();
    const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    try {
      return await retryWithinBudget(() => this.streamAttempt(prompt, signal, usage, startedAt), { budgetMs: this.opts.retryBudgetMs, signal });
    } catch (err) {
      this.finish(startedAt, outcomeOf(err), undefined, err);
      throw err;
    }
  }

  /**
   * One attempt at a stream, in its own `External Call` span. The breaker sees the attempt up to the
   * first token; the span stays open until the stream ends (`first_token_ms` marks the first token),
   * so a trace shows how long the provider was really busy, and a failure mid-stream marks it.
   */
  private streamAttempt(prompt: ProviderPrompt, signal: AbortSignal, usage: TokenUsage, startedAt: number): Promise<OpenedStream> {
    return new Promise<OpenedStream>((resolve, reject) => {
      withSpan(SpanNames.externalCall, this.spanAttributes(), async (span) => {
        const attemptStart = performance.now();
        const opened = await this.breaker.execute(() => callerAware(signal, () => this.firstTokenWithin(prompt, signal, usage)));
        span.setAttribute("first_token_ms", Math.round(performance.now() - attemptStart));
        this.opts.metrics.firstToken.observe({ provider: this.name, model: this.model }, (performance.now() - startedAt) / 1000);
        // The span ends with the stream: withSpan settles once `rest` has been read to its end.
        await new Promise<void>((streamEnded, streamFailed) => {
          const ended = (failure?: { err: unknown }) => (failure ? streamFailed(failure.err) : streamEnded());
          resolve({ first: opened.first, rest: this.restOf(opened.pieces, usage, startedAt, signal, ended), usage });
        });
      }).catch(reject); // after resolve (a failure mid-stream) a no-op: the caller hears it from `rest`
    });
  }

  /**
   * Opens the stream and reads to its first text within AI_TIMEOUT_MS: the SDK's own timeout ends
   * at the response headers, and a provider that sends them and then stalls must fall back too.
   */
  private async firstTokenWithin(prompt: ProviderPrompt, signal: AbortSignal, usage: TokenUsage): Promise<{ first: string; pieces: AsyncIterator<StreamPiece> }> {
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(), this.opts.timeoutMs);
    try {
      const pieces = await this.provider.stream(prompt, AbortSignal.any([signal, attempt.signal]));
      const first = await firstText(pieces, usage);
      // The SDKs end a stream quietly when it is aborted: an empty answer here may be our timer's.
      if (attempt.signal.aborted || signal.aborted) throw new Error("stream aborted");
      return { first, pieces };
    } catch (err) {
      // Our timer, not the caller: a timeout, which the retry table and the breaker count as such.
      if (attempt.signal.aborted && !signal.aborted) throw new DOMException(`${this.name} sent no token within ${this.opts.timeoutMs} ms`, "TimeoutError");
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async *restOf(
    pieces: AsyncIterator<StreamPiece>,
    usage: TokenUsage,
    startedAt: number,
    signal: AbortSignal,
    ended: (failure?: { err: unknown }) => void,
  ): AsyncGenerator<string, void, undefined> {
    let failure: { err: unknown } | undefined;
    try {
      for (;;) {
        const next = await pieces.next();
        if (next.done) break;
        if (next.value.kind === "text") yield next.value.text;
        else Object.assign(usage, definedOf(next.value.usage));
      }
      // An aborted SDK stream ends without an error: the text is cut short, not complete.
      if (signal.aborted) throw signal.reason;
    } catch (err) {
      failure = { err: signal.aborted ? new CallerAbortedError(err) : err };
      this.finish(startedAt, outcomeOf(failure.err), usage, failure.err);
      throw failure.err;
    } finally {
      // Also when the reader stops early (return()): the span must not stay open.
      ended(failure);
    }
    this.finish(startedAt, "success", usage);
  }

  private guarded<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
    return retryWithinBudget(
      () => withSpan(SpanNames.externalCall, this.spanAttributes(), () => this.breaker.execute(() => callerAware(signal, call))),
      { budgetMs: this.opts.retryBudgetMs, signal },
    );
  }

  private spanAttributes(): { service: string; endpoint: string } {
    return { service: this.name, endpoint: this.provider.endpoint };
  }

  private finish(startedAt: number, outcome: CallOutcome, usage?: TokenUsage, err?: unknown): void {
    const ms = performance.now() - startedAt;
    const { metrics } = this.opts;
    const labels = { provider: this.name, model: this.model };
    metrics.providerDuration.observe({ ...labels, outcome }, ms / 1000);
    if (usage) {
      metrics.tokens.inc({ ...labels, kind: "input" }, usage.inputTokens);
      metrics.tokens.inc({ ...labels, kind: "output" }, usage.outputTokens);
    }
    // Neither a caller who left nor a breaker's refusal says anything about the provider's health.
    if (outcome === "aborted" || outcome === "breaker_open") return;
    this.stats.record(ms, outcome === "success", err === undefined ? undefined : describeFailure(err));
    if (outcome === "error") {
      recordOutboundFailure(metrics.platform, { method: "POST", route: `${this.name}:${this.provider.endpoint.split(" ")[1]}`, status: err instanceof HttpError ? err.status : "network" });
    }
  }
}

/** `call`, whose failure once the caller has left is the caller's, not the provider's. */
async function callerAware<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw signal.aborted ? new CallerAbortedError(err) : err;
  }
}

/** Reads pieces up to the first text, folding usage pieces into `usage`; "" when the answer is empty. */
async function firstText(pieces: AsyncIterator<StreamPiece>, usage: TokenUsage): Promise<string> {
  for (;;) {
    const next = await pieces.next();
    if (next.done) return "";
    if (next.value.kind === "text") return next.value.text;
    Object.assign(usage, definedOf(next.value.usage));
  }
}

function definedOf(usage: Partial<TokenUsage>): Partial<TokenUsage> {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => typeof value === "number")) as Partial<TokenUsage>;
}

/**
 * What opens the breaker: the provider failing (5xx, no answer, a 429 storm, a 408), never a
 * caller who left, nor an answer that proves the provider up (400, 401, 404: our request or key).
 */
function countsAgainstProvider(err: unknown): boolean {
  if (err instanceof CallerAbortedError) return false;
  if (err instanceof HttpError) return err.status >= 500 || err.status === 429 || err.status === 408;
  return true;
}

function outcomeOf(err: unknown): CallOutcome {
  if (err instanceof CallerAbortedError) return "aborted";
  if (err instanceof BreakerOpenError) return "breaker_open";
  return "error";
}
