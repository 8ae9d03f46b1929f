import { useSyncExternalStore } from "react";

/**
 * A counter per kind of data that views bump after they change it, so every list showing that
 * data reloads (the sidebar after a rename in the title, the workspace switcher after a rename).
 */
type Kind = "documents" | "workspaces";

const counters: Record<Kind, number> = { documents: 0, workspaces: 0 };
const listeners = new Set<() => void>();

export function notifyChanged(kind: Kind): void {
  counters[kind] += 1;
  for (const listener of listeners) listener();
}

export function useChangeCounter(kind: Kind): number {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => counters[kind],
  );
}
