import type { Editor } from "@tiptap/core";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { errorMessage } from "../../lib/problem";
import { useServices } from "../../lib/services";
import { Button, Notice } from "../../lib/ui";
import { AiNotConfiguredError, streamAi, type AiOperation } from "./aiStream";

const OPERATIONS: Array<{ value: AiOperation; label: string; hint: string }> = [
  { value: "write", label: "Write", hint: "What should it write about?" },
  { value: "continue", label: "Continue", hint: "Anything to steer the continuation? (optional)" },
  { value: "rewrite", label: "Rewrite selection", hint: "How should the selected text change?" },
  { value: "summarize", label: "Summarize", hint: "Anything to focus on? (optional)" },
  { value: "translate", label: "Translate", hint: "Into which language?" },
];

/** Ask Aria: choose an operation, watch the answer stream in, insert it where the cursor is. */
export function AiPanel({ workspaceId, documentId, editor, onClose }: { workspaceId: string; documentId: string; editor: Editor | null; onClose: () => void }) {
  const { api } = useServices();
  const [operation, setOperation] = useState<AiOperation>("write");
  const [prompt, setPrompt] = useState("");
  const [answer, setAnswer] = useState("");
  const [error, setError] = useState<{ kind: "error" | "warning"; text: string } | null>(null);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const op = OPERATIONS.find((o) => o.value === operation)!;

  useEffect(() => () => abort.current?.abort(), []);

  const selectionText = () => {
    if (!editor) return "";
    const { from, to } = editor.state.selection;
    return editor.state.doc.textBetween(from, to, "\n\n");
  };

  const run = async (event: FormEvent) => {
    event.preventDefault();
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setAnswer("");
    setError(null);
    setRunning(true);
    const selection = selectionText();
    try {
      await streamAi(
        api,
        { workspace_id: workspaceId, document_id: documentId, operation, prompt: prompt.trim() || op.label, ...(selection ? { selection } : {}) },
        (text) => setAnswer((current) => current + text),
        controller.signal,
      );
    } catch (err) {
      if (!controller.signal.aborted) setError({ kind: err instanceof AiNotConfiguredError ? "warning" : "error", text: errorMessage(err) });
    } finally {
      setRunning(false);
    }
  };

  const insert = () => {
    if (!editor || !answer) return;
    const paragraphs = answer
      .split(/\n{2,}/)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((text) => ({ type: "paragraph", content: linesOf(text) }));
    editor.chain().focus().insertContent(paragraphs).run();
    setAnswer("");
  };

  return (
    <aside className="side-panel" aria-label="AI assistant">
      <header className="side-panel-head">
        <h2>✦ Ask AI</h2>
        <button type="button" className="icon-btn" aria-label="Close AI panel" onClick={onClose}>
          ×
        </button>
      </header>
      <form className="form" onSubmit={run}>
        <label>
          Operation
          <select value={operation} onChange={(e) => setOperation(e.target.value as AiOperation)}>
            {OPERATIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Instructions
          <textarea rows={3} placeholder={op.hint} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        </label>
        <div className="row-buttons">
          <Button type="submit" variant="primary" disabled={running}>
            {running ? "Writing…" : "Generate"}
          </Button>
          {running && <Button onClick={() => abort.current?.abort()}>Stop</Button>}
        </div>
      </form>
      {error && <Notice kind={error.kind}>{error.text}</Notice>}
      {answer && (
        <div className="ai-answer">
          <div className="ai-text" aria-live="polite">
            {answer}
          </div>
          <div className="row-buttons">
            <Button variant="primary" disabled={running || !editor} onClick={insert}>
              {operation === "rewrite" ? "Replace selection" : "Insert into document"}
            </Button>
            <Button variant="ghost" onClick={() => setAnswer("")}>
              Discard
            </Button>
          </div>
        </div>
      )}
    </aside>
  );
}

/** A paragraph's lines, kept as lines (hard breaks) rather than run together. */
function linesOf(paragraph: string) {
  return paragraph.split("\n").flatMap((line, i) => [...(i > 0 ? [{ type: "hardBreak" }] : []), ...(line ? [{ type: "text", text: line }] : [])]);
}
