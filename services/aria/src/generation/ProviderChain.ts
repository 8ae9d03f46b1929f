import { ProblemError } from "@materi/platform";
import type { ProviderName } from "../config.js";
import { ariaProblem } from "../errors.js";
import { describeFailure } from "../providers/providerErrors.js";
import type { Completion, ProviderPrompt } from "../providers/types.js";
import { CallerAbortedError, type GuardedProvider, type OpenedStream } from "./GuardedProvider.js";

/** Which provider answered. */
export interface Answered {
  provider: ProviderName;
  model: string;
}

/** Why one provider was passed over. */
interface PassedOver {
  provider: ProviderName;
  reason: string;
}

/**
 * The configured providers in AI_PROVIDER_ORDER. A request goes to the first; one that fails
 * (5xx, timeout, breaker open, 429 past its retry budget) hands it to the next. A stream is
 * handed on only before its first token: after it, the text already went out.
 */
export class ProviderChain {
  constructor(readonly providers: readonly GuardedProvider[]) {}

  complete(prompt: ProviderPrompt, signal: AbortSignal): Promise<Completion & Answered> {
    return this.first(signal, async (provider) => ({ ...(await provider.complete(prompt, signal)), provider: provider.name, model: provider.model }));
  }

  openStream(prompt: ProviderPrompt, signal: AbortSignal): Promise<OpenedStream & Answered> {
    return this.first(signal, async (provider) => ({ ...(await provider.openStream(prompt, signal)), provider: provider.name, model: provider.model }));
  }

  private async first<T>(signal: AbortSignal, call: (provider: GuardedProvider) => Promise<T>): Promise<T> {
    if (this.providers.length === 0) throw noProviderProblem();
    const passedOver: PassedOver[] = [];
    for (const provider of this.providers) {
      if (signal.aborted) throw new CallerAbortedError(signal.reason);
      try {
        return await call(provider);
      } catch (err) {
        if (err instanceof CallerAbortedError) throw err;
        passedOver.push({ provider: provider.name, reason: describeFailure(err) });
      }
    }
    throw unavailableProblem(passedOver);
  }
}

export function noProviderProblem(): ProblemError {
  return ariaProblem(
    "ARIA_ERR_NO_PROVIDER",
    "No AI provider is configured. Set OPENAI_API_KEY (or OPENAI_BASE_URL for an OpenAI-compatible server such as Ollama or vLLM) and/or ANTHROPIC_API_KEY, then restart aria.",
  );
}

function unavailableProblem(passedOver: PassedOver[]): ProblemError {
  const reasons = passedOver.map((p) => `${p.provider} ${p.reason}`).join("; ");
  return ariaProblem("ARIA_ERR_PROVIDERS_UNAVAILABLE", `No AI provider could answer (${reasons}). Try again shortly.`, {
    extensions: { providers: passedOver },
    headers: { "Retry-After": "30" },
  });
}
