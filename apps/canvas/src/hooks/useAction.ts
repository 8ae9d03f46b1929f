import { useState } from "react";
import { errorMessage } from "../lib/problem";

export interface ActionMessage {
  kind: "error" | "info";
  text: string;
}

/**
 * Runs a change against the API and says how it went: `done` on success, the problem's message
 * on failure; `changes` counts successes so the lists showing that data reload.
 */
export function useAction() {
  const [message, setMessage] = useState<ActionMessage | null>(null);
  const [changes, setChanges] = useState(0);
  const act = async (work: () => Promise<unknown>, done?: string): Promise<boolean> => {
    setMessage(null);
    try {
      await work();
      setChanges((n) => n + 1);
      if (done) setMessage({ kind: "info", text: done });
      return true;
    } catch (err) {
      setMessage({ kind: "error", text: errorMessage(err) });
      return false;
    }
  };
  return { message, setMessage, changes, act };
}
