import type { AriaConfig, ProviderName } from "../config.js";
import { createAnthropicProvider } from "./anthropicProvider.js";
import { createOpenAiProvider } from "./openaiProvider.js";
import type { AiProvider } from "./types.js";

const FACTORIES: Record<ProviderName, { configured: (config: AriaConfig) => boolean; create: (config: AriaConfig) => AiProvider }> = {
  openai: { configured: (c) => Boolean(c.OPENAI_API_KEY || c.OPENAI_BASE_URL), create: createOpenAiProvider },
  anthropic: { configured: (c) => Boolean(c.ANTHROPIC_API_KEY || c.ANTHROPIC_BASE_URL), create: createAnthropicProvider },
};

/** The providers AI_PROVIDER_ORDER names that have a key or a base URL, in that order, each once. */
export function configuredProviders(config: AriaConfig): AiProvider[] {
  const names = [...new Set(config.AI_PROVIDER_ORDER)];
  return names.filter((name) => FACTORIES[name].configured(config)).map((name) => FACTORIES[name].create(config));
}
