import type { ApiClient } from "../../lib/apiClient";
import { ProblemError } from "../../lib/problem";
import { readSse } from "../../lib/sse";

export type AiOperation = "write" | "continue" | "rewrite" | "summarize" | "translate";

export interface AiRequest {
  workspace_id: string;
  document_id?: string;
  operation: AiOperation;
  prompt: string;
  selection?: string;
}

/** This server has no AI provider: something for an administrator, not a failure to retry. */
export class AiNotConfiguredError extends Error {
  constructor(cause: ProblemError) {
    super("AI is not configured on this server. An administrator can enable it by setting OPENAI_API_KEY or ANTHROPIC_API_KEY for the aria service.", { cause });
    this.name = "AiNotConfiguredError";
  }
}

/** Streams Aria's answer: calls onToken per piece; resolves when the stream says done. */
export async function streamAi(api: ApiClient, request: AiRequest, onToken: (text: string) => void, signal: AbortSignal): Promise<void> {
  try {
    const response = await api.stream("POST", "/api/v1/ai/generate", { body: { ...request, stream: true }, headers: { accept: "text/event-stream" }, signal });
    if (!response.body) throw new Error("The AI service sent no answer.");
    for await (const { event, data } of readSse(response.body)) {
      if (event === "token" || event === "message") onToken(textOf(data));
      else if (event === "done") return;
      else if (event === "error") throw new Error(errorOf(data));
    }
  } catch (err) {
    if (err instanceof ProblemError && err.code === "ARIA_ERR_NO_PROVIDER") {
      throw new AiNotConfiguredError(err);
    }
    throw err;
  }
}

/** A token event's data: JSON with the text under a usual name, or the text itself. */
function textOf(data: string): string {
  try {
    const parsed = JSON.parse(data) as unknown;
    if (typeof parsed === "string") return parsed;
    if (parsed && typeof parsed === "object") {
      const record = parsed as Record<string, unknown>;
      for (const key of ["text", "token", "delta", "content"]) if (typeof record[key] === "string") return record[key];
    }
    return "";
  } catch {
    // Plain text data is the token itself.
    return data;
  }
}

function errorOf(data: string): string {
  try {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    for (const key of ["detail", "message", "title"]) if (typeof parsed[key] === "string") return parsed[key];
  } catch {
    // Plain text data is the message itself.
    return data || "The AI stopped with an error.";
  }
  return "The AI stopped with an error.";
}
