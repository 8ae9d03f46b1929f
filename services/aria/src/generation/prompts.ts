import type { ProviderPrompt } from "../providers/types.js";

/** What the caller asks for (POST /api/v1/ai/generate `operation`). */
export const OPERATIONS = ["write", "continue", "rewrite", "summarize", "translate"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Operations that work on existing text: the selection, else the document. */
const NEEDS_SOURCE: ReadonlySet<Operation> = new Set(["continue", "rewrite", "summarize", "translate"]);

// Enough context for a good answer while the prompt stays far below every model's window.
const MAX_SOURCE_CHARS = 24_000;

const SYSTEM =
  "You are Aria, the writing assistant of Materi, a collaborative document editor. " +
  "Answer with the requested text only, as Markdown, without a preamble or closing remarks.";

const INSTRUCTIONS: Record<Operation, string> = {
  write: "Write the following.",
  continue: "Continue the text below from where it ends, in the same voice and format. Do not repeat it.",
  rewrite: "Rewrite the text below, keeping its meaning.",
  summarize: "Summarize the text below.",
  translate: "Translate the text below. Keep its formatting.",
};

/** True when the operation reads the document when no selection is given. */
export function needsSource(operation: Operation, selection: string | undefined): boolean {
  return NEEDS_SOURCE.has(operation) && (selection === undefined || selection === "");
}

/**
 * The provider prompt of an operation. `source` is the selection or the document's text; for
 * `continue` its end is kept, for the others its beginning.
 */
export function promptFor(input: { operation: Operation; prompt: string; source: string | undefined; maxTokens: number }): ProviderPrompt {
  const parts = [INSTRUCTIONS[input.operation]];
  if (input.prompt.trim() !== "") parts.push(`Instruction: ${input.prompt.trim()}`);
  if (input.source !== undefined && input.source !== "") {
    const source = input.operation === "continue" ? input.source.slice(-MAX_SOURCE_CHARS) : input.source.slice(0, MAX_SOURCE_CHARS);
    parts.push(`Text:\n"""\n${source}\n"""`);
  }
  return { system: SYSTEM, user: parts.join("\n\n"), maxTokens: input.maxTokens };
}
